CREATE INDEX orders_missing ON orders(missing_column);
