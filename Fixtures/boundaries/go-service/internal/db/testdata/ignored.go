package testdata

import "example.com/shop/cmd/server"
