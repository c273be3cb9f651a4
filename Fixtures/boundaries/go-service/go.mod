module example.com/shop // the module path

go 1.22
