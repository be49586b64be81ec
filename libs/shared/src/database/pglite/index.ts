export {
  openPgliteOnDisk,
  PgliteWireServer,
  type PgliteWireServerLogger,
  type PgliteWireServerOptions,
} from './pglite-wire-server';
export { PgliteThread } from './pglite-thread';
