-- Vitrine's store, version 3: orders are fulfilled.

-- `dispatched` (the cancel window was over) is now `final`: the brand is
-- told and accepts or refuses; then `accepted`, `shipped`, `delivered`, or
-- `refused` / `failed`. The order's JSON reads `dispatched` as `final`.
UPDATE orders SET status = 'final' WHERE status = 'dispatched';

-- A refused order and a failed delivery free their need, as an expired ask
-- does: the need is decided again and gets a new order.
DROP INDEX one_live_order_per_need;
CREATE UNIQUE INDEX one_live_order_per_need ON orders (household, need_id)
    WHERE status NOT IN ('expired', 'refused', 'failed');
