// One node of an MQTT broker cluster for tests: aedes with its two cluster parts on Redis — messages
// between nodes through mqemitter-redis, retained messages, subscriptions and wills in
// aedes-persistence-redis (the clustering aedes documents). Run as a child process, so a test can
// kill -9 a node: `node cluster-node.mjs <port> <redisPort> <nodeId>`.
import { Aedes } from 'aedes';
import net from 'node:net';
import mqemitterRedis from 'mqemitter-redis';
import persistenceRedis from 'aedes-persistence-redis';

const [port, redisPort, id] = process.argv.slice(2);
const redis = { host: '127.0.0.1', port: Number(redisPort) };
const broker = await Aedes.createBroker({
  id,
  mq: mqemitterRedis(redis),
  persistence: persistenceRedis(redis),
  // Nodes tell each other they are alive; the wills of a node silent for 3 beats are published by the others.
  heartbeatInterval: 500,
});
const server = net.createServer((socket) => {
  socket.setNoDelay(true);
  broker.handle(socket);
});
server.listen(Number(port), '127.0.0.1', () => console.log(JSON.stringify({ node: id, listening: Number(port) })));
const stop = () => broker.close(() => server.close(() => process.exit(0)));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
