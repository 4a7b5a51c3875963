package dev.kapi.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Many watch clients on one thread: non-blocking sockets to the proxy, each sends one watch request and then only
 * reads, counting the events it sees ({@code "type":"} in the body; the API server writes each event in one
 * chunk). Cheap enough that 5,000 of them measure the proxy, not the client.
 */
final class RawWatches implements AutoCloseable {

  static final class Watch {
    final SocketChannel channel;
    final ByteBuffer request;
    int status; // 0 until the status line is read
    int events;
    boolean closed;
    private final StringBuilder tail = new StringBuilder();

    Watch(SocketChannel channel, ByteBuffer request) {
      this.channel = channel;
      this.request = request;
    }

    void received(ByteBuffer data) {
      tail.append(StandardCharsets.ISO_8859_1.decode(data));
      if (status == 0 && tail.length() >= 12 && tail.indexOf("HTTP/1.1 ") == 0) {
        status = Integer.parseInt(tail.substring(9, 12));
      }
      int at;
      while ((at = tail.indexOf("\"type\":\"")) >= 0) {
        events++;
        tail.delete(0, at + 8);
      }
      if (tail.length() > 64) {
        tail.delete(0, tail.length() - 16);
      }
    }
  }

  private final Selector selector = Selector.open();
  private final List<Watch> watches = new ArrayList<>();
  private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(64 * 1024);

  RawWatches() throws IOException {
  }

  /** Opens {@code n} watches of {@code path} on 127.0.0.1:{@code port}; returns once all are connected and sent. */
  void open(int port, String path, int n) throws IOException {
    byte[] req = ("GET " + path + " HTTP/1.1\r\nHost: localhost:" + port + "\r\nAccept: application/json\r\n"
        + "User-Agent: kapi-bench\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < n; i++) {
      SocketChannel ch = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
      ch.configureBlocking(false);
      Watch w = new Watch(ch, ByteBuffer.wrap(req));
      ch.write(w.request);
      ch.register(selector, w.request.hasRemaining() ? SelectionKey.OP_WRITE | SelectionKey.OP_READ : SelectionKey.OP_READ, w);
      watches.add(w);
    }
  }

  /** Reads whatever has arrived, for up to {@code millis}. */
  void pump(long millis) throws IOException {
    long deadline = System.nanoTime() + millis * 1_000_000;
    long left;
    while ((left = (deadline - System.nanoTime()) / 1_000_000) > 0) {
      if (selector.select(left) == 0) {
        continue;
      }
      var it = selector.selectedKeys().iterator();
      while (it.hasNext()) {
        SelectionKey k = it.next();
        it.remove();
        Watch w = (Watch) k.attachment();
        if (k.isValid() && k.isWritable()) {
          w.channel.write(w.request);
          if (!w.request.hasRemaining()) {
            k.interestOps(SelectionKey.OP_READ);
          }
        }
        if (k.isValid() && k.isReadable()) {
          readBuffer.clear();
          int n;
          try {
            n = w.channel.read(readBuffer);
          } catch (IOException reset) {
            n = -1;
          }
          if (n < 0) {
            w.closed = true;
            k.cancel();
            w.channel.close();
          } else {
            readBuffer.flip();
            w.received(readBuffer);
          }
        }
      }
    }
  }

  int count() {
    return watches.size();
  }

  long withStatus(int status) {
    return watches.stream().filter(w -> w.status == status && !w.closed).count();
  }

  long closed() {
    return watches.stream().filter(w -> w.closed).count();
  }

  long withAtLeastEvents(int n) {
    return watches.stream().filter(w -> w.events >= n && !w.closed).count();
  }

  @Override
  public void close() throws IOException {
    for (Watch w : watches) {
      w.channel.close();
    }
    selector.close();
    watches.clear();
  }
}
