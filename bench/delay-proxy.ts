// A TCP forwarder on loopback that delays every chunk by DELAY ms in each direction, so that a
// benchmark against moto and the emulator (which answer in about 5 ms on loopback) sees the round
// trips a real AWS region costs. Prints its URL, then serves until killed.
//   node bench/delay-proxy.ts <target host:port> [delay ms]
import { connect, createServer, type Socket } from 'node:net';

const [target = '', delayText = '20'] = process.argv.slice(2);
const [host = '127.0.0.1', port = ''] = target.split(':');
const delay = Number(delayText);
if (port === '' || !Number.isFinite(delay)) {
  console.error('usage: node bench/delay-proxy.ts <target host:port> [delay ms]');
  process.exit(2);
}

/** Copies `from` to `to`, each chunk `delay` ms late, in order; ends `to` after the last chunk. */
function delayed(from: Socket, to: Socket): void {
  from.on('data', (chunk: Buffer) => {
    setTimeout(() => to.write(chunk), delay);
  });
  from.on('end', () => setTimeout(() => to.end(), delay));
  from.on('error', () => to.destroy());
}

const server = createServer((client) => {
  const upstream = connect(Number(port), host);
  delayed(client, upstream);
  delayed(upstream, client);
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address === null || typeof address === 'string') process.exit(1);
  console.log(`http://127.0.0.1:${address.port}`);
});
