//! OAuth tokens at rest: a local file only the user can read, replaced atomically,
//! and refreshed by one process at a time.
//!
//! Which file, which endpoint, and how a refresh request looks are the provider's
//! business; this module owns what every provider would otherwise get subtly wrong:
//! permissions, crash safety, keeping fields it does not know, and not spending one
//! refresh token twice when several processes share the file.
//!
//! The refresh pattern, as [`TokenStore::refresh_with`] runs it:
//!
//! ```no_run
//! # async fn example(store: delx_framework::auth::TokenStore) -> Result<(), Box<dyn std::error::Error>> {
//! use std::time::Duration;
//! use delx_framework::auth::{TokenUpdate, unix_now};
//!
//! let margin = Duration::from_secs(300);
//! let tokens = store.load()?;
//! let tokens = if tokens.is_expired_within(margin, unix_now()) {
//!     let lock = store.lock().await?;
//!     // Re-read under the lock: another process may have refreshed meanwhile.
//!     let current = store.load()?;
//!     if current.is_expired_within(margin, unix_now()) {
//!         let update = TokenUpdate::new("new access token"); // the HTTP refresh
//!         let refreshed = current.merge(update);
//!         // On disk before the new access token is used.
//!         store.save(&refreshed)?;
//!         lock.release()?;
//!         refreshed
//!     } else {
//!         current
//!     }
//! } else {
//!     tokens
//! };
//! # let _ = tokens;
//! # Ok(())
//! # }
//! ```

pub mod callback;
mod lock;
mod process;
mod token_store;
mod tokens;

pub use callback::{
    AuthorizationCode, CallbackError, CallbackServer, LoopbackRedirect, SuccessPage,
};
pub use lock::{LockOptions, TokenLock};
pub use token_store::{RefreshError, TokenFileStatus, TokenStore, TokenStoreError};
pub use tokens::{TokenFieldError, TokenUpdate, Tokens, unix_now};
