// Child process of bundles.test.ts: activates the built extension bundle (`vscode` stubbed, sample
// tenant) in the extension mode given, and prints what activate() returned as one JSON line:
// the names of its properties, or null when it returned nothing.
//
//   node out/test/unit/exportsProbe.js <extension.js> <mode: 1 production, 2 development, 3 test> <storage dir>
import * as path from 'node:path';
import { createExtensionContext, createVscodeStub, installVscodeStub } from '../../bench/vscodeStub';

const [bundle, mode, storage] = process.argv.slice(2);
installVscodeStub(createVscodeStub({ 'securityPosture.dataSource': 'sample' }));
// eslint-disable-next-line @typescript-eslint/no-require-imports
const extension = require(path.resolve(bundle)) as { activate(context: object): unknown };
const exported = extension.activate(createExtensionContext(path.dirname(path.dirname(path.resolve(bundle))), { mode: Number(mode), storagePath: storage }));
process.stdout.write(`${JSON.stringify(exported === undefined || exported === null ? null : Object.keys(exported as object).sort())}\n`);
process.exit(0);
