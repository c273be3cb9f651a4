package dep

import "example.com/shop/cmd/server"
