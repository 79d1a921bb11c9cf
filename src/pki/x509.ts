// @peculiar/x509 resolves its algorithm providers through tsyringe, which needs
// the Reflect metadata polyfill loaded first. Every module of src/pki imports the
// library through this file so the order is guaranteed.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';

x509.cryptoProvider.set(webcrypto);

export { x509 };
