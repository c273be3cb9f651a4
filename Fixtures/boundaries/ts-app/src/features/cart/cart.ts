import { zero, type Money } from '@core/money';
import { format } from 'core/format.js';   // baseUrl, and .js written for a .ts file
import * as React from 'react';
export interface Cart { total: Money }
export const show = () => format(zero) + React.version;
