from mypkg.mid.service import helper  # low reaching up into mid
