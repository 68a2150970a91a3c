/**
 * A tiny TCP client, run by this very node binary inside a namespace (argv,
 * no shell): `node -e TCP_CLIENT HOST PORT [SOURCE_PORT]`. It prints `open`,
 * `refused`, `timeout` or the error's code. Checks use it, and the tracer's
 * live probe (with a source port its trace rules match).
 */
export const TCP_CLIENT = `const s=require('net').connect({host:process.argv[1],port:+process.argv[2],localPort:+process.argv[3]||undefined,timeout:2000});s.on('connect',()=>{console.log('open');process.exit(0)});s.on('timeout',()=>{console.log('timeout');process.exit(1)});s.on('error',e=>{console.log(e.code==='ECONNREFUSED'?'refused':e.code);process.exit(1)})`;
