package api

import db "example.com/shop/internal/db"

func Handler() string { return db.Query() }
