//! The crate root declares its modules.
pub mod api;
pub mod db;
pub mod domain;
