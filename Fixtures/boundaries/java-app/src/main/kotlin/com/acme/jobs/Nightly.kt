package com.acme.jobs

import com.acme.core.*
import com.acme.web.Controller as Web

fun run() = Ledger()
