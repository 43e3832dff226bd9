//! What the fake remembers about OAuth: nonces, authorization codes, access and
//! refresh tokens, with Withings' rules.
//!
//! - A nonce is single use and lives 30 minutes.
//! - A code is single use, lives 30 seconds, and is bound to its client and
//!   callback; any attempt to redeem it uses it up.
//! - A refresh hands out a new pair. The old refresh token keeps working until the
//!   new access token is first used or the grace period (8 h) ends, whichever
//!   comes first; the old access token lives out its own lifetime.
//! - Revoking removes every token of the user for that client.

use std::collections::HashMap;

use super::scope::Scopes;

/// Lifetimes, in milliseconds.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Lifetimes {
    pub(crate) access: i64,
    pub(crate) refresh: i64,
    pub(crate) grace: i64,
    pub(crate) code: i64,
    pub(crate) nonce: i64,
}

#[derive(Debug, Clone)]
struct Code {
    client_id: String,
    redirect_uri: String,
    scopes: Scopes,
    userid: u64,
    issued: i64,
}

#[derive(Debug, Clone)]
struct Access {
    client_id: String,
    userid: u64,
    scopes: Scopes,
    expires: i64,
    /// The refresh token this one was issued in exchange for.
    parent: Option<String>,
    used: bool,
}

#[derive(Debug, Clone)]
struct Refresh {
    client_id: String,
    userid: u64,
    scopes: Scopes,
    expires: i64,
}

/// A freshly issued pair.
#[derive(Debug, Clone)]
pub(crate) struct Issued {
    pub(crate) access_token: String,
    pub(crate) refresh_token: String,
    /// Seconds.
    pub(crate) expires_in: i64,
    pub(crate) scopes: Scopes,
    pub(crate) userid: u64,
}

/// Who an access token speaks for.
#[derive(Debug, Clone)]
pub(crate) struct Bearer {
    pub(crate) scopes: Scopes,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NonceError {
    Unknown,
    Expired,
}

#[derive(Debug)]
pub(crate) struct Grants {
    life: Lifetimes,
    nonces: HashMap<String, i64>,
    codes: HashMap<String, Code>,
    access: HashMap<String, Access>,
    refresh: HashMap<String, Refresh>,
}

/// A random token of 40 hex digits, the shape of Withings' tokens and nonces.
pub(crate) fn token() -> String {
    hex::encode(rand::random::<[u8; 20]>())
}

impl Grants {
    pub(crate) fn new(life: Lifetimes) -> Self {
        Self {
            life,
            nonces: HashMap::new(),
            codes: HashMap::new(),
            access: HashMap::new(),
            refresh: HashMap::new(),
        }
    }

    pub(crate) fn issue_nonce(&mut self, now: i64) -> String {
        let life = self.life;
        self.nonces.retain(|_, issued| now - *issued < life.nonce);
        let nonce = token();
        self.nonces.insert(nonce.clone(), now);
        nonce
    }

    /// Uses a nonce up.
    pub(crate) fn take_nonce(&mut self, nonce: &str, now: i64) -> Result<(), NonceError> {
        match self.nonces.remove(nonce) {
            None => Err(NonceError::Unknown),
            Some(issued) if now - issued >= self.life.nonce => Err(NonceError::Expired),
            Some(_) => Ok(()),
        }
    }

    pub(crate) fn issue_code(
        &mut self,
        client_id: &str,
        redirect_uri: &str,
        scopes: Scopes,
        userid: u64,
        now: i64,
    ) -> String {
        let life = self.life;
        self.codes.retain(|_, code| now - code.issued < life.code);
        let code = token();
        self.codes.insert(
            code.clone(),
            Code {
                client_id: client_id.to_owned(),
                redirect_uri: redirect_uri.to_owned(),
                scopes,
                userid,
                issued: now,
            },
        );
        code
    }

    /// Exchanges a code for tokens; `None` if it is unknown, used, expired, or
    /// bound to another client or callback.
    pub(crate) fn redeem_code(
        &mut self,
        code: &str,
        client_id: &str,
        redirect_uri: &str,
        now: i64,
    ) -> Option<Issued> {
        let grant = self.codes.remove(code)?;
        let valid = grant.client_id == client_id
            && grant.redirect_uri == redirect_uri
            && now - grant.issued < self.life.code;
        valid.then(|| self.issue(client_id, grant.userid, grant.scopes, None, now))
    }

    pub(crate) fn issue(
        &mut self,
        client_id: &str,
        userid: u64,
        scopes: Scopes,
        parent: Option<String>,
        now: i64,
    ) -> Issued {
        self.access.retain(|_, a| a.expires > now);
        self.refresh.retain(|_, r| r.expires > now);
        let access_token = token();
        let refresh_token = token();
        self.access.insert(
            access_token.clone(),
            Access {
                client_id: client_id.to_owned(),
                userid,
                scopes: scopes.clone(),
                expires: now + self.life.access,
                parent,
                used: false,
            },
        );
        self.refresh.insert(
            refresh_token.clone(),
            Refresh {
                client_id: client_id.to_owned(),
                userid,
                scopes: scopes.clone(),
                expires: now + self.life.refresh,
            },
        );
        Issued {
            access_token,
            refresh_token,
            expires_in: self.life.access / 1000,
            scopes,
            userid,
        }
    }

    /// Rotates a refresh token; `None` if it is unknown, expired, superseded or
    /// another client's.
    pub(crate) fn refresh(
        &mut self,
        refresh_token: &str,
        client_id: &str,
        now: i64,
    ) -> Option<Issued> {
        let grace = self.life.grace;
        let old = self.refresh.get_mut(refresh_token)?;
        if old.client_id != client_id || old.expires <= now {
            return None;
        }
        old.expires = old.expires.min(now + grace);
        let (userid, scopes) = (old.userid, old.scopes.clone());
        Some(self.issue(
            client_id,
            userid,
            scopes,
            Some(refresh_token.to_owned()),
            now,
        ))
    }

    /// Checks an access token; its first use retires the refresh token it replaced.
    pub(crate) fn authenticate(&mut self, access_token: &str, now: i64) -> Option<Bearer> {
        let access = self.access.get_mut(access_token)?;
        if access.expires <= now {
            return None;
        }
        let bearer = Bearer {
            scopes: access.scopes.clone(),
        };
        if !access.used {
            access.used = true;
            if let Some(parent) = access.parent.take() {
                self.refresh.remove(&parent);
            }
        }
        Some(bearer)
    }

    /// Removes every token of `userid` for `client_id`; false if there was none.
    pub(crate) fn revoke(&mut self, client_id: &str, userid: u64) -> bool {
        let before = self.access.len() + self.refresh.len();
        self.access
            .retain(|_, a| !(a.client_id == client_id && a.userid == userid));
        self.refresh
            .retain(|_, r| !(r.client_id == client_id && r.userid == userid));
        before != self.access.len() + self.refresh.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIFE: Lifetimes = Lifetimes {
        access: 10_800_000,
        refresh: 365 * 86_400_000,
        grace: 8 * 3_600_000,
        code: 30_000,
        nonce: 1_800_000,
    };

    #[test]
    fn nonces_are_single_use_and_expire() {
        let mut grants = Grants::new(LIFE);
        let nonce = grants.issue_nonce(0);
        assert_eq!(grants.take_nonce(&nonce, 1_000), Ok(()));
        assert_eq!(grants.take_nonce(&nonce, 2_000), Err(NonceError::Unknown));
        let late = grants.issue_nonce(0);
        assert_eq!(
            grants.take_nonce(&late, 1_800_000),
            Err(NonceError::Expired)
        );
    }

    #[test]
    fn old_refresh_token_dies_when_the_new_access_token_is_used() {
        let mut grants = Grants::new(LIFE);
        let first = grants.issue("app", 7, Scopes::all(), None, 0);
        let second = grants
            .refresh(&first.refresh_token, "app", 1_000)
            .expect("rotates");
        // Still usable before the new access token is used...
        let third = grants
            .refresh(&first.refresh_token, "app", 2_000)
            .expect("grace");
        assert!(grants.authenticate(&third.access_token, 3_000).is_some());
        // ...and dead after.
        assert!(grants.refresh(&first.refresh_token, "app", 4_000).is_none());
        assert!(
            grants
                .refresh(&second.refresh_token, "app", 4_000)
                .is_some()
        );
    }

    #[test]
    fn old_refresh_token_dies_after_the_grace_period() {
        let mut grants = Grants::new(LIFE);
        let first = grants.issue("app", 7, Scopes::all(), None, 0);
        grants
            .refresh(&first.refresh_token, "app", 0)
            .expect("rotates");
        assert!(
            grants
                .refresh(&first.refresh_token, "app", LIFE.grace)
                .is_none()
        );
    }
}
