package com.acme.core;

import java.math.BigDecimal;
import com.acme.web.Controller; // the core must not know the web layer

public final class Money {
    BigDecimal amount;
    String note = "import com.acme.fake.Thing;";
}
