//! Tokens: every role can list, rotate and revoke its own; the operator
//! can list and revoke any, and issue one for a brand or a household (after
//! a revocation, say). A token is named by its id, never shown again after
//! it is issued.

use serde_json::json;

use super::{Created, Platform, PlatformError};
use vitrine_store::tokens::{Principal, TokenRecord, new_token, token_id};

impl Platform {
    /// The tokens `caller` may see: all of them for the operator, its own
    /// otherwise.
    pub async fn tokens(&self, caller: &Principal) -> Result<Vec<TokenRecord>, PlatformError> {
        let owner = (*caller != Principal::Operator).then_some(caller);
        Ok(self.store.tokens(owner).await?)
    }

    /// Revokes the token with id `id`: any token for the operator, only its
    /// own for a brand or a household (another's id is not found).
    pub async fn revoke_token(&self, caller: &Principal, id: &str) -> Result<(), PlatformError> {
        let now = self.now();
        let owner = (*caller != Principal::Operator).then_some(caller);
        let mut tx = self.store.begin().await?;
        if tx.revoke_token(id, owner, now).await? == 0 {
            return Err(PlatformError::NotFound(format!("live token {id}")));
        }
        tx.audit(
            now,
            &self.actor(caller),
            "token.revoked",
            "tokens",
            &json!({"token": id}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Replaces the caller's `token` with a new one for the same principal
    /// (shown once); the old one stops working at once.
    pub(crate) async fn rotate_token(
        &self,
        caller: &Principal,
        token: &str,
    ) -> Result<Created<TokenRecord>, PlatformError> {
        let now = self.now();
        let fresh = new_token();
        let mut tx = self.store.begin().await?;
        tx.insert_token(&fresh, caller, now).await?;
        tx.revoke_token(&token_id(token), Some(caller), now).await?;
        tx.audit(
            now,
            &self.actor(caller),
            "token.rotated",
            "tokens",
            &json!({"revoked": token_id(token), "issued": token_id(&fresh)}),
        )
        .await?;
        tx.commit().await?;
        Ok(Created {
            record: TokenRecord {
                id: token_id(&fresh),
                role: caller.role().to_owned(),
                subject: caller.subject().to_owned(),
                created_at: now,
                revoked_at: None,
            },
            token: fresh,
        })
    }

    /// Issues a new token for `principal`, which must exist (operator).
    pub async fn issue_token(
        &self,
        principal: &Principal,
    ) -> Result<Created<TokenRecord>, PlatformError> {
        match principal {
            Principal::Operator => {}
            Principal::Brand(b) => {
                self.require_brand(b).await?;
            }
            Principal::Household(h) => {
                self.household(h)?;
            }
        }
        let now = self.now();
        let fresh = new_token();
        let mut tx = self.store.begin().await?;
        tx.insert_token(&fresh, principal, now).await?;
        tx.audit(
            now,
            "operator",
            "token.issued",
            "tokens",
            &json!({"token": token_id(&fresh), "role": principal.role()}),
        )
        .await?;
        tx.commit().await?;
        Ok(Created {
            record: TokenRecord {
                id: token_id(&fresh),
                role: principal.role().to_owned(),
                subject: principal.subject().to_owned(),
                created_at: now,
                revoked_at: None,
            },
            token: fresh,
        })
    }
}
