pub const ALL: &[&str] = &["/orders"];
