pub mod pool;

use crate::domain::Order;

pub fn store(id: u64) -> bool { pool::get().is_some() && Order { id }.id > 0 }
