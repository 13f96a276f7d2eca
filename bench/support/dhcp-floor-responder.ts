// The floor under any DHCP server written for Node: a responder that does nothing but what the socket path needs —
// receive a relayed DISCOVER or REQUEST through node:dgram, patch a canned reply (xid, chaddr, an address made from
// the MAC, the message type) and send it back to the relay. No decoding beyond three fixed offsets, no leases, no
// store, no events, no checks. bench/dhcp-rate.ts runs it as the server `node-floor` beside stage0 and Kea, so one
// run shows how much of Kea's rate Node's own socket path leaves room for. Not a server: answers anything.
// Run: node bench/support/dhcp-floor-responder.ts SERVER_ADDRESS (port 67, inside the bench's namespace)
import dgram from 'node:dgram';

const serverAddress = process.argv[2] ?? '10.96.0.1';
const server = serverAddress.split('.').map(Number);
const OPTIONS_AT = 240;
// op=2 (reply), htype=1, hlen=6; magic cookie; options: 53 (type, patched), 54 server id, 51 lease time 3600 s,
// 1 subnet mask /16, end.
const template = Buffer.alloc(300);
template[0] = 2;
template[1] = 1;
template[2] = 6;
template.writeUInt32BE(0x63825363, 236);
template.set([53, 1, 2, 54, 4, ...server, 51, 4, 0, 0, 0x0e, 0x10, 1, 4, 255, 255, 0, 0, 255], OPTIONS_AT);

let answered = 0;
const socket = dgram.createSocket({ type: 'udp4', reuseAddr: true });
socket.on('message', (msg, rinfo) => {
  if (msg.length < OPTIONS_AT + 3 || msg[0] !== 1) return;
  // perfdhcp puts option 53 first; anything else is not this bench's traffic.
  if (msg[OPTIONS_AT] !== 53) return;
  const type = msg[OPTIONS_AT + 2] === 1 ? 2 : 5; // DISCOVER → OFFER, else ACK
  const out = Buffer.from(template);
  msg.copy(out, 4, 4, 8); // xid
  msg.copy(out, 24, 24, 28); // giaddr
  msg.copy(out, 28, 28, 44); // chaddr
  out[16] = 10;
  out[17] = 95;
  out[18] = 1 + (msg[32]! % 254);
  out[19] = 1 + (msg[33]! % 254);
  out[OPTIONS_AT + 2] = type;
  socket.send(out, rinfo.port, rinfo.address);
  answered++;
});
socket.bind(67, '0.0.0.0', () => socket.setRecvBufferSize(4 * 1024 * 1024));
// CPU per reply, for RESULTS.md: on the log when the bench stops it.
process.on('SIGTERM', () => {
  const c = process.cpuUsage();
  console.error(`node-floor: ${answered} replies, CPU ${((c.user + c.system) / 1000).toFixed(0)} ms, ${((c.user + c.system) / Math.max(answered, 1)).toFixed(1)} µs per reply`);
  socket.close(() => process.exit(0));
});
