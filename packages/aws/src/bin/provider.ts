#!/usr/bin/env node
// eksa-ecr-credential-provider: a kubelet image credential provider (see ../provider.ts).
import { main } from './main.ts';

void main(process.argv.slice(2));
