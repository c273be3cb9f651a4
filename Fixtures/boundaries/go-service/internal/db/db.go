package db

import (
	_ "embed"
	"example.com/shop/internal/api" // the database must not know the API
)

func Query() string { return "select" + api.Name }
