from mypkg.mid import service
