use serde::Serialize;

#[derive(Serialize)]
pub struct Order { pub id: u64 }

pub fn save(o: &Order) -> bool {
    crate::db::store(o.id) // a path in code, no `use`
}
