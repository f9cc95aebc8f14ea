// The single executable's entry, run once when the executable is built: everything the provider
// loads on its fast path (this package, core, node:http, node:https, node:crypto) is
// evaluated then and kept in V8's start-up snapshot, so an exec starts with it in the heap. The
// AWS SDK (the fallback for profiles served by the SDK) still loads on first use.
import { startupSnapshot } from 'node:v8';
import { main } from './main.ts';

startupSnapshot.setDeserializeMainFunction(() => {
  void main(process.argv.slice(2));
});
