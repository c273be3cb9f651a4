package db_test

import (
	"testing"

	"example.com/shop/internal/db"
)

func TestQuery(t *testing.T) { _ = db.Query() }
