package com.acme.web;

import static com.acme.core.Money.*;
import com.acme.core.Ledger;
import org.springframework.web.bind.annotation.RestController;

@RestController
public class Controller { Ledger ledger; }
