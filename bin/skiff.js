#!/usr/bin/env node
import '../dist/sdk/cli/main.js';
