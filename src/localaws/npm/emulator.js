// Starts one emulator (kinesalite or dynalite) in memory on a loopback port and prints
// "listening on PORT" once it accepts connections. It exits when its standard input closes: the
// JVM that started it holds the other end, so the emulator ends with that JVM however it ends
// (normal exit, error, Ctrl-C, or a kill that runs no shutdown hook).
'use strict'
const [name, port, options] = process.argv.slice(2)
if (!['kinesalite', 'dynalite'].includes(name)) {
  console.error('usage: node emulator.js kinesalite|dynalite PORT [OPTIONS_JSON]')
  process.exit(2)
}
const server = require(name)(JSON.parse(options || '{}'))
server.listen(Number(port || 0), '127.0.0.1', () => {
  console.log('listening on ' + server.address().port)
})
server.on('error', (err) => {
  console.error(String(err))
  process.exit(1)
})
process.stdin.on('end', () => process.exit(0))
process.stdin.on('error', () => process.exit(0))
process.stdin.resume()
// dynalite throws from a request's 'error' handler when a client resets the connection in the middle
// of a request (a job failing or cancelled while a write is on the wire), which would end the whole
// emulator. The request is lost either way, as it would be against the real service; the emulator stays.
process.on('uncaughtException', (err) => {
  if (err && err.code === 'ECONNRESET') {
    console.error('a client dropped a request: ' + err.message)
    return
  }
  console.error(err && err.stack ? err.stack : String(err))
  process.exit(1)
})
