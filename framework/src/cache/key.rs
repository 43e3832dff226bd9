//! Which stored answer a request may reuse.
//!
//! A key is the account, the endpoint and the request's parameters in a canonical
//! order, so the same question asked with its parameters in another order finds the
//! same answer (the original connector keyed on the JSON of the body, so reordered
//! parameters missed), and two accounts on one machine never see each other's data.

/// Parameters that authenticate a request rather than shape its answer. They are
/// dropped from keys for two reasons: keys are written to disk in clear, and a
/// secret must never be; and they change on every call (a nonce, a signature) or
/// on every refresh (a token) without changing the answer, so keeping them would
/// make every lookup miss. The account they stand for is already the key's scope.
/// Matched whole and case-insensitively: a parameter that merely contains one of
/// these words (`postcode`) shapes the answer and must stay.
pub const CREDENTIAL_PARAMS: &[&str] = &[
    "access_token",
    "refresh_token",
    "client_secret",
    "signature",
    "nonce",
    "code",
    "authorization",
];

/// Ends each field of an encoded key; escaped inside fields.
const SEPARATOR: u8 = 0x00;
/// Starts an escape inside a field: `ESCAPE ESCAPE` is a literal `ESCAPE`,
/// `ESCAPE 0x02` a literal separator. Scopes and names are ids and never hold
/// either byte in practice; escaping keeps one account's prefix from ever
/// matching another's even if they did.
const ESCAPE: u8 = 0x01;
const ESCAPED_SEPARATOR: u8 = 0x02;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CacheKey {
    scope: String,
    namespace: String,
    /// Sorted by name, then value; credentials removed.
    params: Vec<(String, String)>,
}

impl CacheKey {
    /// `scope` = the account (user id) so two accounts never mix; `namespace` = the
    /// endpoint; params canonical: sorted by name then value. Parameters named in
    /// [`CREDENTIAL_PARAMS`] are dropped (see there for why).
    pub fn new(scope: &str, namespace: &str, params: &[(&str, String)]) -> CacheKey {
        let mut params: Vec<(String, String)> = params
            .iter()
            .filter(|(name, _)| !is_credential(name))
            .map(|(name, value)| ((*name).to_owned(), value.clone()))
            .collect();
        params.sort();
        CacheKey {
            scope: scope.to_owned(),
            namespace: namespace.to_owned(),
            params,
        }
    }

    pub fn scope(&self) -> &str {
        &self.scope
    }

    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// The canonical parameters, as they take part in the key.
    pub fn params(&self) -> &[(String, String)] {
        &self.params
    }

    /// `scope 0x00 namespace 0x00 (name 0x00 value 0x00)*`, each field escaped, so
    /// every key decodes one way and a scope's keys share [`scope_prefix`].
    pub(crate) fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = scope_prefix(&self.scope);
        push_field(&mut bytes, &self.namespace);
        for (name, value) in &self.params {
            push_field(&mut bytes, name);
            push_field(&mut bytes, value);
        }
        bytes
    }
}

/// The leading bytes of every key of one account, and of no other account's.
pub(crate) fn scope_prefix(scope: &str) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(scope.len() + 1);
    push_field(&mut bytes, scope);
    bytes
}

fn is_credential(name: &str) -> bool {
    CREDENTIAL_PARAMS
        .iter()
        .any(|credential| credential.eq_ignore_ascii_case(name))
}

pub(crate) fn push_field(bytes: &mut Vec<u8>, field: &str) {
    for &byte in field.as_bytes() {
        match byte {
            SEPARATOR => bytes.extend_from_slice(&[ESCAPE, ESCAPED_SEPARATOR]),
            ESCAPE => bytes.extend_from_slice(&[ESCAPE, ESCAPE]),
            other => bytes.push(other),
        }
    }
    bytes.push(SEPARATOR);
}
