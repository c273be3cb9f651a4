package com.acme.core;

import java.util.*;

public class Ledger { List<Money> entries; }
