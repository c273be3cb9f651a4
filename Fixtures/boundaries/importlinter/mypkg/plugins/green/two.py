from mypkg.plugins.blue import one
