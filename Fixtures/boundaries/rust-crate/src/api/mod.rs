pub mod routes;
use crate::{db, domain::{self, Order}};

pub fn create(id: u64) -> bool { domain::save(&Order { id }) && db::store(id) }

#[cfg(test)]
mod tests {
    use super::*; // inside an inline module: `super` is the api module
    #[test]
    fn t() { assert!(create(1)); }
}
