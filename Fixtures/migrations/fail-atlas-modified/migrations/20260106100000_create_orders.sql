CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id), total INTEGER);
CREATE INDEX orders_user ON orders(user_id);
