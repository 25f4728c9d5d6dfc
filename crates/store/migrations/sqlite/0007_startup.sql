-- Vitrine's store, version 7: start-up does not grow with history.

-- When each order was created, as a column: a node starting up reads the
-- orders still live and the recent settled ones, not every order ever.
ALTER TABLE orders ADD COLUMN created_at INTEGER NOT NULL DEFAULT 0;
UPDATE orders SET created_at = COALESCE(json_extract(data, '$.created_at'), 0);
CREATE INDEX orders_by_status_and_age ON orders (status, created_at);

-- Every brand a household has had a spending order from: its first order
-- from a brand is asked (`new_brand_asks`), later ones are not, however old
-- the first one is.
CREATE TABLE household_brands (
    household TEXT NOT NULL,
    brand TEXT NOT NULL,
    PRIMARY KEY (household, brand)
);
INSERT OR IGNORE INTO household_brands (household, brand)
    SELECT DISTINCT household, brand FROM orders
    WHERE status IN ('placed', 'final', 'dispatched', 'accepted', 'shipped', 'delivered');
