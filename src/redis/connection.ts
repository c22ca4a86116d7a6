/**
 * The connection a RedisCache talks through, and what happens when Redis is not there.
 *
 * A connection RedisCache opens itself (from a url) is set up so that it never holds a process
 * open or makes it wait:
 * - it connects lazily, on the first operation, so constructing a RedisCache (in a config
 *   module, say) opens nothing;
 * - its socket keeps the event loop alive only while an operation is in flight: an idle
 *   connection is unref'd, so a script that forgets `close()` still exits when its work is done
 *   (`close()` remains the clean way: it sends QUIT);
 * - no offline queue and no automatic reconnection: a command is only ever sent on a ready
 *   connection, and a server that is down or unreachable fails the operation within the connect
 *   timeout with a RedisConnectionError naming the url and saying what to do, instead of
 *   queueing commands behind an endless reconnect loop (ioredis's default, which also keeps the
 *   process alive). The next operation connects again; after a failure, operations in the next
 *   second fail at once with the same error, so a run of many items against a dead server
 *   costs one connect attempt per second, not one per item.
 *
 * A client the user gives is used as it is: its options, its reconnection policy and its socket
 * are the user's, and `close()` leaves it open.
 */
import { once } from "node:events";
import { Redis } from "ioredis";
import { DaftError } from "../index.js";

/** Redis could not be reached, or the connection was lost during an operation. */
export class RedisConnectionError extends DaftError {
  override name = "RedisConnectionError";
  constructor(
    message: string,
    /** The server, as `redis://host:port` (a password in the url is masked). */
    readonly server: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Bounded so a host that drops packets fails a run's first lookup in seconds, not ioredis's default 10 s. */
export const CONNECT_TIMEOUT_MS = 3000;
/** After a failed connect, operations fail at once for this long before the next attempt. */
export const RETRY_AFTER_MS = 1000;

export class RedisLink {
  readonly client: Redis;
  /** Whether this link opened the connection (and so configures, unrefs and closes it). */
  readonly owned: boolean;
  /** The server, for messages; a password is masked. */
  readonly server: string;

  #inFlight = 0;
  #connecting: Promise<void> | undefined;
  #failure: { error: RedisConnectionError; at: number } | undefined;
  /** The last `error` event of an owned client: ioredis rejects a failed connect with only "Connection is closed." */
  #lastSocketError: Error | undefined;
  #closed = false;

  private constructor(client: Redis, owned: boolean, server: string) {
    this.client = client;
    this.owned = owned;
    this.server = server;
  }

  static open(url: string): RedisLink {
    const client = new Redis(url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      retryStrategy: () => null,
      connectTimeout: CONNECT_TIMEOUT_MS,
    });
    const link = new RedisLink(client, true, maskPassword(url));
    // Without a listener ioredis prints every connection error to the console; the error is
    // reported once, through the failing operation, instead.
    client.on("error", (error: Error) => (link.#lastSocketError = error));
    return link;
  }

  static adopt(client: Redis): RedisLink {
    return new RedisLink(client, false, describeClient(client));
  }

  /** Runs `operation` on a ready connection; connection failures become RedisConnectionError. */
  async run<T>(operation: (client: Redis) => Promise<T>): Promise<T> {
    if (this.#closed) throw new RedisConnectionError(`RedisCache for ${this.server} is closed: create a new one to use Redis again`, this.server);
    this.#hold();
    try {
      if (this.owned && this.client.status !== "ready") await this.#connect();
      return await operation(this.client);
    } catch (error) {
      throw this.explain(error);
    } finally {
      this.#release();
    }
  }

  /** Sends QUIT on an owned connection (waiting for its reply); leaves a user's client open. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (!this.owned) return;
    if (this.client.status !== "ready") {
      this.client.disconnect();
      return;
    }
    this.#hold();
    try {
      // Resolves once the socket is gone, not merely when QUIT is answered.
      const ended = once(this.client, "end").catch(() => undefined); // an error event ends it too
      await this.client.quit();
      await ended;
    } catch {
      this.client.disconnect();
    } finally {
      this.#release();
    }
  }

  // An owned socket keeps the process alive only while something waits for Redis.
  #hold(): void {
    if (this.#inFlight++ === 0 && this.owned) this.#openSocket()?.ref();
  }

  #release(): void {
    if (--this.#inFlight === 0 && this.owned) this.#openSocket()?.unref();
  }

  /**
   * The connected socket, if any. A socket still connecting is referenced by default (and an
   * operation is waiting for it); a dead one must be left alone: ref()/unref() on a socket
   * without a handle queue a listener for a `connect` that never comes.
   */
  #openSocket(): { ref(): unknown; unref(): unknown } | undefined {
    const stream = this.client.stream as (typeof this.client.stream & { connecting?: boolean; destroyed?: boolean }) | undefined;
    return stream && !stream.destroyed && !stream.connecting ? stream : undefined;
  }

  #connect(): Promise<void> {
    const failure = this.#failure;
    if (failure && Date.now() - failure.at < RETRY_AFTER_MS) return Promise.reject(failure.error);
    this.#connecting ??= this.client.connect().then(
      () => {
        this.#connecting = undefined;
        this.#failure = undefined;
      },
      (error: unknown) => {
        this.#connecting = undefined;
        const cause = this.#lastSocketError ?? error;
        this.#lastSocketError = undefined;
        const explained = new RedisConnectionError(
          `Cannot connect to Redis at ${this.server} (${messageOf(cause)}). Is a Redis server running there and reachable ` +
            `from this machine? Start one (${startHint(this.server)}) or give RedisCache the url of a running server ` +
            "(new RedisCache({ url }) or REDIS_URL).",
          this.server,
          { cause },
        );
        this.#failure = { error: explained, at: Date.now() };
        throw explained;
      },
    );
    return this.#connecting;
  }

  /** A connection failure as a RedisConnectionError naming the server; any other error as it is. */
  explain(error: unknown): unknown {
    if (error instanceof RedisConnectionError || !isConnectionFailure(error)) return error;
    return new RedisConnectionError(`Lost the connection to Redis at ${this.server} (${messageOf(error)})`, this.server, { cause: error });
  }
}

/** Errors of the link, as opposed to errors the server replied with (WRONGTYPE, OOM…). */
function isConnectionFailure(error: unknown): boolean {
  if (!(error instanceof Error) || error.name === "ReplyError") return false;
  return /Connection is closed|Stream isn't writeable|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|EAI_AGAIN|max retries/i.test(error.message);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function maskPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password === "") return url;
    parsed.password = "***";
    return parsed.toString();
  } catch {
    return url;
  }
}

function describeClient(client: Redis): string {
  const { path, host, port, tls } = client.options;
  if (path) return path;
  return `${tls ? "rediss" : "redis"}://${host ?? "localhost"}:${port ?? 6379}`;
}

function startHint(server: string): string {
  if (server.startsWith("/")) return `redis-server --unixsocket ${server} --port 0`;
  try {
    const { hostname, port } = new URL(server);
    if (hostname === "localhost" || hostname === "127.0.0.1" || hostname === "::1" || hostname === "[::1]") {
      return `redis-server --port ${port || "6379"}`;
    }
  } catch {
    // not a url: fall through to the generic hint
  }
  return "redis-server on that host, or a managed Redis";
}
