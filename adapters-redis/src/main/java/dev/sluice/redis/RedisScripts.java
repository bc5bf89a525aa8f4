package dev.sluice.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The Lua scripts that make each multi-step change atomic. Redis runs a script alone, so no other client sees
 * half of one, and two workers running the same script cannot both move one message. Every script reads time
 * from the server ({@code TIME}), so workers on machines with skewed clocks agree on what is due.
 *
 * <p>Keys of a queue {@code q}: the stream {@code q}; the delayed set {@code q:sluice:delayed} (score: due time in
 * ms; member: the message's fields packed with MessagePack); the extended leases {@code q:sluice:leases} (score:
 * deadline in ms; member: entry id); deduplication ids {@code q:sluice:dedup:<id>} (value: the message id; TTL: the
 * window). A delivery is known by its entry id and the delivery count the pending entries list (PEL) had when it
 * was handed out: a handle whose count is no longer the PEL's belongs to a delivery whose lease ended.
 */
final class RedisScripts {
    private RedisScripts() {
    }

    /** A script and its SHA-1, for EVALSHA. */
    record Script(String name, String source, String sha) {
        static Script of(String name, String source) {
            String full = COMMON + source;
            try {
                byte[] digest = MessageDigest.getInstance("SHA-1").digest(full.getBytes(StandardCharsets.UTF_8));
                return new Script(name, full, HexFormat.of().formatHex(digest));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static final String COMMON = """
            local function now_ms()
              local t = redis.call('TIME')
              return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            end
            local function current(stream, group, id, count)
              local p = redis.call('XPENDING', stream, group, id, id, 1)
              return p[1] ~= nil and tonumber(p[1][4]) == tonumber(count)
            end
            """;

    /**
     * A send that needs more than XADD: a delay (into the delayed set) and/or a deduplication id (SET NX with the
     * window, in the same step as the XADD or ZADD, so a crash cannot remember an id whose message was not
     * stored). KEYS: stream, delayed, dedup key. ARGV: delay ms, window ms (0: no id), message id for a delayed
     * message, then field, value, ... Returns {'ok', id}, {'dup', id of the first} or {'missing'}.
     */
    static final Script SEND = Script.of("send", """
            if redis.call('EXISTS', KEYS[1]) == 0 then return {'missing'} end
            local window = tonumber(ARGV[2])
            if window > 0 then
              local prior = redis.call('GET', KEYS[3])
              if prior then return {'dup', prior} end
            end
            local fields = {}
            for i = 4, #ARGV do fields[#fields + 1] = ARGV[i] end
            local id
            local delay = tonumber(ARGV[1])
            if delay > 0 then
              local now = now_ms()
              id = ARGV[3]
              fields[#fields + 1] = 'sluice:id'
              fields[#fields + 1] = id
              fields[#fields + 1] = 'sluice:time'
              fields[#fields + 1] = tostring(now)
              redis.call('ZADD', KEYS[2], now + delay, cmsgpack.pack(fields))
            else
              id = redis.call('XADD', KEYS[1], '*', unpack(fields))
            end
            if window > 0 then redis.call('SET', KEYS[3], id, 'PX', window) end
            return {'ok', id}
            """);

    /**
     * What a receive does before XREADGROUP: moves due delayed messages into the stream (ZRANGEBYSCORE, XADD,
     * ZREM in one step: never lost, never doubled), then takes over deliveries whose lease ended (XAUTOCLAIM with
     * min-idle = the lease, JUSTID so the count is set once, below). A delivery whose lease was extended past the
     * queue's lease stays with its holder until its deadline. KEYS: stream, delayed, leases. ARGV: group,
     * consumer, lease ms, most to take over. Returns {{id, {field, value, ...}, delivery count}, ...}, the next
     * due time or -1, the server time.
     */
    static final Script PREPARE = Script.of("prepare", """
            local now = now_ms()
            if redis.call('EXISTS', KEYS[1]) == 1 then
              local due = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, 100)
              for _, m in ipairs(due) do
                redis.call('XADD', KEYS[1], '*', unpack(cmsgpack.unpack(m)))
                redis.call('ZREM', KEYS[2], m)
              end
            end
            local out = {}
            local lease = tonumber(ARGV[3])
            local claimed = redis.call('XAUTOCLAIM', KEYS[1], ARGV[1], ARGV[2], lease, '0-0', 'COUNT', ARGV[4], 'JUSTID')
            for _, id in ipairs(claimed[2]) do
              local deadline = redis.call('ZSCORE', KEYS[3], id)
              if deadline and tonumber(deadline) > now then
                local idle = lease - (tonumber(deadline) - now)
                if idle < 0 then idle = 0 end
                redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, id, 'IDLE', idle, 'JUSTID')
              else
                if deadline then redis.call('ZREM', KEYS[3], id) end
                local p = redis.call('XPENDING', KEYS[1], ARGV[1], id, id, 1)
                if p[1] then
                  local count = tonumber(p[1][4]) + 1
                  local e = redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, id, 'RETRYCOUNT', count)
                  if e[1] and e[1][2] then out[#out + 1] = {e[1][1], e[1][2], count} end
                end
              end
            end
            local nextDue = -1
            local first = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
            if first[2] then nextDue = tonumber(first[2]) end
            return {out, nextDue, now}
            """);

    /**
     * Acks deliveries still current: XACK + XDEL (+ the extended lease). KEYS: stream, leases. ARGV: group, then
     * id, count, ... Returns the 0-based positions of the deliveries that were not current.
     */
    static final Script ACK = Script.of("ack", """
            local failed = {}
            for i = 2, #ARGV, 2 do
              local id = ARGV[i]
              if current(KEYS[1], ARGV[1], id, ARGV[i + 1]) then
                redis.call('XACK', KEYS[1], ARGV[1], id)
                redis.call('XDEL', KEYS[1], id)
                redis.call('ZREM', KEYS[2], id)
              else
                failed[#failed + 1] = (i - 2) / 2
              end
            end
            return failed
            """);

    /**
     * Gives a current delivery back: its fields, with the deliveries so far ({@code sluice:attempts}), the
     * message id and publish time it had, go into the stream again (no delay) or the delayed set, and the entry is
     * XACKed and XDELed, all in one step. KEYS: stream, delayed, leases. ARGV: group, id, count, delay ms,
     * '1' when this delivery is not to count (a receive abandoned before anyone saw it). Returns 1, or 0 when the
     * delivery is not current.
     */
    static final Script NACK = Script.of("nack", """
            local id = ARGV[2]
            if not current(KEYS[1], ARGV[1], id, ARGV[3]) then return 0 end
            local e = redis.call('XRANGE', KEYS[1], id, id)
            redis.call('XACK', KEYS[1], ARGV[1], id)
            redis.call('XDEL', KEYS[1], id)
            redis.call('ZREM', KEYS[3], id)
            if not e[1] then return 0 end
            local f = e[1][2]
            local out = {}
            local mid, prior, time = nil, 0, nil
            for i = 1, #f, 2 do
              local k = f[i]
              if k == 'sluice:id' then mid = f[i + 1]
              elseif k == 'sluice:attempts' then prior = tonumber(f[i + 1])
              elseif k == 'sluice:time' then time = f[i + 1]
              else
                out[#out + 1] = k
                out[#out + 1] = f[i + 1]
              end
            end
            local attempts = prior + tonumber(ARGV[3])
            if ARGV[5] == '1' then attempts = attempts - 1 end
            out[#out + 1] = 'sluice:id'
            out[#out + 1] = mid or id
            out[#out + 1] = 'sluice:attempts'
            out[#out + 1] = tostring(attempts)
            out[#out + 1] = 'sluice:time'
            out[#out + 1] = time or string.match(id, '^(%d+)')
            local delay = tonumber(ARGV[4])
            if delay > 0 then
              redis.call('ZADD', KEYS[2], now_ms() + delay, cmsgpack.pack(out))
            else
              redis.call('XADD', KEYS[1], '*', unpack(out))
            end
            return 1
            """);

    /**
     * Extends a current delivery's lease: XCLAIM resets its idle time (JUSTID: the count stays); a lease longer
     * than the queue's is remembered in the leases set, which PREPARE honours. KEYS: stream, leases. ARGV: group,
     * consumer, id, count, lease ms, queue lease ms. Returns 1, or 0 when the delivery is not current.
     */
    static final Script EXTEND = Script.of("extend", """
            local id = ARGV[3]
            if not current(KEYS[1], ARGV[1], id, ARGV[4]) then return 0 end
            redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, id, 'JUSTID')
            if tonumber(ARGV[5]) > tonumber(ARGV[6]) then
              redis.call('ZADD', KEYS[2], now_ms() + tonumber(ARGV[5]), id)
            else
              redis.call('ZREM', KEYS[2], id)
            end
            return 1
            """);

    /** Removes this driver's consumer from the group if it holds nothing. KEYS: stream. ARGV: group, consumer. */
    static final Script LEAVE = Script.of("leave", """
            if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
            local p = redis.pcall('XPENDING', KEYS[1], ARGV[1], '-', '+', 1, ARGV[2])
            if p.err or p[1] then return 0 end
            return redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], ARGV[2])
            """);
}
