// Copied unchanged (below this line) from /work/shared/tools/natsfloor/natsfloor.cpp: the bare-NATS floor
// bench/run.py runs beside GRID (see that directory's README.md and RESULTS.md for what it measures).
// natsfloor: measure the NATS / JetStream "physical floor" of the GRID job path.
//
// Written against nats.c 3.4.1 (Debian libnats-dev) and nats-server 2.9.10.
// Everything runs in one process against a server given by --url; run.sh
// starts a private server on a free loopback port.
//
// Output: one human-readable line per measurement on stdout, and (with --tsv)
// one tab-separated row per measurement for later aggregation
// (natsfloor --aggregate a.tsv b.tsv ... prints a markdown table).

#include <nats/nats.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

// ---------------------------------------------------------------- utilities

static std::string g_url = "nats://127.0.0.1:4222";
static double g_scale = 1.0;  // multiplies durations / iteration counts
static FILE* g_tsv = nullptr;

static inline int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}
static inline double us(int64_t ns) { return (double)ns / 1000.0; }
static void sleep_us(int64_t u) { std::this_thread::sleep_for(std::chrono::microseconds(u)); }

[[noreturn]] static void die(const char* what, natsStatus s, jsErrCode jerr = (jsErrCode)0) {
    fprintf(stderr, "FATAL: %s: %s (jerr=%d)\n", what, natsStatus_GetText(s), (int)jerr);
    nats_PrintLastErrorStack(stderr);
    fflush(stderr);
    _exit(2);
}
#define CHK(call, what)                          \
    do {                                         \
        natsStatus _s = (call);                  \
        if (_s != NATS_OK) die((what), _s);      \
    } while (0)

static std::string strf(const char* fmt, ...) {
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return buf;
}

struct Stats {
    size_t n = 0;
    double p50 = NAN, p90 = NAN, p99 = NAN, max = NAN, mean = NAN;
};
static Stats stats(std::vector<double> v) {
    Stats s;
    s.n = v.size();
    if (v.empty()) return s;
    std::sort(v.begin(), v.end());
    auto pct = [&](double q) {
        size_t k = (size_t)std::ceil(q * (double)v.size());
        if (k == 0) k = 1;
        if (k > v.size()) k = v.size();
        return v[k - 1];
    };
    s.p50 = pct(0.50);
    s.p90 = pct(0.90);
    s.p99 = pct(0.99);
    s.max = v.back();
    double sum = 0;
    for (double x : v) sum += x;
    s.mean = sum / (double)v.size();
    return s;
}
static double median_of(std::vector<double> v) { return stats(std::move(v)).p50; }

static std::string fmt_num(double x) {
    if (std::isnan(x)) return "-";
    if (x >= 100) return strf("%.0f", x);
    if (x >= 10) return strf("%.1f", x);
    return strf("%.2f", x);
}

// One result row. Latencies in microseconds; rate in rate_unit.
static void report(const std::string& id, const std::string& label, const Stats& s,
                   double rate = NAN, const std::string& rate_unit = "",
                   const std::string& note = "") {
    printf("%-14s %-58s n=%-6zu p50=%-8s p90=%-8s p99=%-8s max=%-8s %s %s%s%s\n", id.c_str(),
           label.c_str(), s.n, fmt_num(s.p50).c_str(), fmt_num(s.p90).c_str(),
           fmt_num(s.p99).c_str(), fmt_num(s.max).c_str(),
           std::isnan(rate) ? "" : fmt_num(rate).c_str(), rate_unit.c_str(),
           note.empty() ? "" : "  # ", note.c_str());
    fflush(stdout);
    if (g_tsv) {
        fprintf(g_tsv, "%s\t%s\t%zu\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%s\t%s\n", id.c_str(),
                label.c_str(), s.n, s.p50, s.p90, s.p99, s.max, rate, rate_unit.c_str(),
                note.c_str());
        fflush(g_tsv);
    }
}
static void note_line(const std::string& id, const std::string& text) {
    printf("%-14s   %s\n", id.c_str(), text.c_str());
    fflush(stdout);
    if (g_tsv) {
        fprintf(g_tsv, "#NOTE\t%s\t%s\n", id.c_str(), text.c_str());
        fflush(g_tsv);
    }
}

// A monotonically increasing counter others can wait on.
struct Counter {
    std::mutex m;
    std::condition_variable cv;
    int64_t v = 0;
    void set(int64_t x) {
        {
            std::lock_guard<std::mutex> l(m);
            v = x;
        }
        cv.notify_all();
    }
    void add(int64_t x = 1) {
        {
            std::lock_guard<std::mutex> l(m);
            v += x;
        }
        cv.notify_all();
    }
    bool wait_ge(int64_t x, int64_t timeout_ms) {
        std::unique_lock<std::mutex> l(m);
        return cv.wait_for(l, std::chrono::milliseconds(timeout_ms), [&] { return v >= x; });
    }
    int64_t get() {
        std::lock_guard<std::mutex> l(m);
        return v;
    }
};

// Threads with a small stack (we start up to ~1000 of them).
struct SmallThread {
    pthread_t t{};
    std::function<void()> fn;
    static void* tramp(void* p) {
        auto* self = (SmallThread*)p;
        self->fn();
        return nullptr;
    }
    void start(std::function<void()> f) {
        fn = std::move(f);
        pthread_attr_t a;
        pthread_attr_init(&a);
        pthread_attr_setstacksize(&a, 256 * 1024);
        if (pthread_create(&t, &a, tramp, this) != 0) {
            perror("pthread_create");
            _exit(2);
        }
        pthread_attr_destroy(&a);
    }
    void join() { pthread_join(t, nullptr); }
};

// ---------------------------------------------------------------- NATS helpers

static std::atomic<int> g_async_errs{0};
static void on_async_err(natsConnection*, natsSubscription*, natsStatus err, void*) {
    if (g_async_errs.fetch_add(1) < 10)
        fprintf(stderr, "async error: %s\n", natsStatus_GetText(err));
}
static std::atomic<int> g_puback_errs{0};
static void on_puback_err(jsCtx*, jsPubAckErr* pae, void*) {
    if (g_puback_errs.fetch_add(1) < 10)
        fprintf(stderr, "async publish error: %s %s\n", natsStatus_GetText(pae->Err),
                pae->ErrText ? pae->ErrText : "");
}

struct Conn {
    natsConnection* nc = nullptr;
    jsCtx* js = nullptr;
};

static Conn connect_nats(const char* name, bool asap, int64_t async_max_pending = 4096) {
    Conn c;
    natsOptions* o = nullptr;
    CHK(natsOptions_Create(&o), "options");
    CHK(natsOptions_SetURL(o, g_url.c_str()), "url");
    CHK(natsOptions_SetName(o, name), "name");
    CHK(natsOptions_SetSendAsap(o, asap), "sendasap");
    CHK(natsOptions_SetMaxPendingMsgs(o, 1 << 20), "maxpending");
    CHK(natsOptions_SetErrorHandler(o, on_async_err, nullptr), "errhandler");
    CHK(natsOptions_SetTimeout(o, 5000), "timeout");
    CHK(natsConnection_Connect(&c.nc, o), "connect");
    natsOptions_Destroy(o);
    jsOptions jo;
    jsOptions_Init(&jo);
    jo.Wait = 10000;
    jo.PublishAsync.MaxPending = async_max_pending;
    jo.PublishAsync.StallWait = 10000;
    jo.PublishAsync.ErrHandler = on_puback_err;
    CHK(natsConnection_JetStream(&c.js, c.nc, &jo), "jetstream ctx");
    return c;
}
static void close_nats(Conn& c) {
    if (c.js) jsCtx_Destroy(c.js);
    if (c.nc) {
        natsConnection_Close(c.nc);
        natsConnection_Destroy(c.nc);
    }
    c.js = nullptr;
    c.nc = nullptr;
}

static void add_stream(jsCtx* js, const char* name, std::vector<const char*> subjects,
                       jsStorageType st, jsRetentionPolicy ret) {
    js_DeleteStream(js, name, nullptr, nullptr);  // ignore "not found"
    jsStreamConfig cfg;
    jsStreamConfig_Init(&cfg);
    cfg.Name = name;
    cfg.Subjects = subjects.data();
    cfg.SubjectsLen = (int)subjects.size();
    cfg.Storage = st;
    cfg.Retention = ret;
    cfg.Replicas = 1;
    jsStreamInfo* si = nullptr;
    jsErrCode jerr = (jsErrCode)0;
    natsStatus s = js_AddStream(&si, js, &cfg, nullptr, &jerr);
    if (s != NATS_OK) die(strf("add stream %s", name).c_str(), s, jerr);
    jsStreamInfo_Destroy(si);
}
static void del_stream(jsCtx* js, const char* name) { js_DeleteStream(js, name, nullptr, nullptr); }

static void add_pull_consumer(jsCtx* js, const char* stream, const char* durable,
                              const char* filter, jsAckPolicy ack = js_AckExplicit,
                              bool mem = false) {
    jsConsumerConfig cc;
    jsConsumerConfig_Init(&cc);
    cc.Durable = durable;
    cc.FilterSubject = filter;
    cc.AckPolicy = ack;
    cc.DeliverPolicy = js_DeliverAll;
    cc.MaxAckPending = 20000;
    cc.MemoryStorage = mem;
    jsConsumerInfo* ci = nullptr;
    jsErrCode jerr = (jsErrCode)0;
    natsStatus s = js_AddConsumer(&ci, js, stream, &cc, nullptr, &jerr);
    if (s != NATS_OK) die(strf("add consumer %s/%s", stream, durable).c_str(), s, jerr);
    jsConsumerInfo_Destroy(ci);
}

static natsSubscription* bind_pull(jsCtx* js, const char* stream, const char* consumer,
                                   const char* filter) {
    jsSubOptions so;
    jsSubOptions_Init(&so);
    so.Stream = stream;
    so.Consumer = consumer;
    natsSubscription* sub = nullptr;
    jsErrCode jerr = (jsErrCode)0;
    natsStatus s = js_PullSubscribe(&sub, js, filter, nullptr, nullptr, &so, &jerr);
    if (s != NATS_OK) die(strf("bind pull %s/%s", stream, consumer).c_str(), s, jerr);
    return sub;
}

// Fetch up to maxBatch messages, returning as soon as at least one is there.
//  maxBatch == 1: natsSubscription_Fetch(batch 1) (long poll).
//  maxBatch  > 1: FetchRequest{Batch, Expires, NoWait=true}: with nats-server
//                 2.9.x a no_wait request that carries an expiry waits up to
//                 the expiry but completes as soon as it delivered anything.
// Returns count (0 on timeout); caller must natsMsgList_Destroy(list) if > 0.
static int fetch_some(natsSubscription* sub, int maxBatch, int64_t timeout_ms, natsMsgList* list) {
    natsStatus s;
    if (maxBatch <= 1) {
        s = natsSubscription_Fetch(list, sub, 1, timeout_ms, nullptr);
    } else {
        jsFetchRequest r;
        jsFetchRequest_Init(&r);
        r.Batch = maxBatch;
        r.Expires = timeout_ms * 1000000LL;
        r.NoWait = true;
        s = natsSubscription_FetchRequest(list, sub, &r);
    }
    if (s == NATS_OK) return list->Count;
    if (s == NATS_TIMEOUT || s == NATS_NOT_FOUND) return 0;
    return -1;  // closed connection / invalid sub
}

static std::string payload_of(size_t n, const char* prefix) {
    std::string p = prefix;
    while (p.size() < n) p.push_back('x');
    p.resize(n);
    return p;
}

static bool want(const std::set<int>& only, int m) { return only.empty() || only.count(m); }

// ================================================================ 0. machine calibration
// What a thread hand-off and a loopback TCP round trip cost on this machine,
// without NATS. Every NATS round trip below contains several of each.

static void m0_calibration() {
    const int N = std::max(2000, (int)(20000 * g_scale));
    {
        std::mutex m;
        std::condition_variable cv;
        int turn = 0;
        std::vector<double> lat;
        std::thread t([&] {
            for (int i = 0; i < N; i++) {
                std::unique_lock<std::mutex> l(m);
                cv.wait(l, [&] { return turn == 1; });
                turn = 0;
                cv.notify_all();
            }
        });
        for (int i = 0; i < N; i++) {
            int64_t a = now_ns();
            {
                std::unique_lock<std::mutex> l(m);
                turn = 1;
                cv.notify_all();
                cv.wait(l, [&] { return turn == 0; });
            }
            lat.push_back(us(now_ns() - a));
        }
        t.join();
        report("0.cal.thread", "thread ping-pong via condvar (2 wake-ups)", stats(lat));
    }
    {
        int ls = socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(0x7f000001);
        a.sin_port = 0;
        socklen_t al = sizeof a;
        if (ls < 0 || bind(ls, (sockaddr*)&a, sizeof a) != 0 || listen(ls, 1) != 0 ||
            getsockname(ls, (sockaddr*)&a, &al) != 0) {
            perror("calibration socket");
            return;
        }
        std::thread srv([&] {
            int c = accept(ls, nullptr, nullptr);
            int one = 1;
            setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            char b[64];
            for (;;) {
                ssize_t n = read(c, b, sizeof b);
                if (n <= 0) break;
                if (write(c, b, n) != n) break;
            }
            close(c);
        });
        int sck = socket(AF_INET, SOCK_STREAM, 0);
        int one = 1;
        if (connect(sck, (sockaddr*)&a, sizeof a) != 0) perror("connect");
        setsockopt(sck, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        std::vector<double> lat;
        char b[64] = {0};
        for (int i = 0; i < N; i++) {
            int64_t t0 = now_ns();
            if (write(sck, b, 64) != 64) break;
            int got = 0;
            while (got < 64) {
                ssize_t n = read(sck, b + got, 64 - got);
                if (n <= 0) break;
                got += (int)n;
            }
            lat.push_back(us(now_ns() - t0));
        }
        close(sck);
        srv.join();
        close(ls);
        report("0.cal.tcp", "TCP loopback ping-pong 64B between 2 threads", stats(lat));
    }
}

// ================================================================ 1. core request/reply

static void echo_cb(natsConnection* nc, natsSubscription*, natsMsg* m, void*) {
    natsConnection_Publish(nc, natsMsg_GetReply(m), natsMsg_GetData(m), natsMsg_GetDataLength(m));
    natsMsg_Destroy(m);
}

static void m1_reqrep() {
    for (int asap = 1; asap >= 0; asap--) {
        Conn r = connect_nats("m1-responder", asap);
        Conn q = connect_nats("m1-requester", asap);
        natsSubscription* sub = nullptr;
        CHK(natsConnection_Subscribe(&sub, r.nc, "bench.echo", echo_cb, nullptr), "sub");
        CHK(natsConnection_Flush(r.nc), "flush");
        std::string pl = payload_of(64, "ping");
        std::vector<double> lat;
        int64_t deadline = now_ns() + (int64_t)(2e9 * g_scale);
        int maxn = asap ? 20000 : 1500;
        int64_t t_start = 0;
        for (int i = -200; i < maxn; i++) {
            if (i == 0) t_start = now_ns();
            int64_t t0 = now_ns();
            natsMsg* rep = nullptr;
            CHK(natsConnection_Request(&rep, q.nc, "bench.echo", pl.data(), (int)pl.size(), 2000),
                "request");
            int64_t t1 = now_ns();
            natsMsg_Destroy(rep);
            if (i >= 0) lat.push_back(us(t1 - t0));
            if (i >= 0 && (i & 63) == 0 && t1 > deadline) break;
        }
        double secs = (now_ns() - t_start) / 1e9;
        report(asap ? "1.reqrep" : "1.reqrep.dflt",
               asap ? "core request/reply RTT, 64B (SendAsap on both conns)"
                    : "core request/reply RTT, 64B (DEFAULT conn options)",
               stats(lat), lat.size() / secs, "req/s", "sequential, 1 requester");
        natsSubscription_Unsubscribe(sub);
        natsSubscription_Destroy(sub);
        close_nats(q);
        close_nats(r);
    }
}

// ================================================================ 2. JetStream publish

static void m2_jspub() {
    Conn c = connect_nats("m2", true);
    std::string pl = payload_of(256, "jspub");
    struct V {
        const char* id;
        const char* stream;
        const char* subj;
        jsStorageType st;
        const char* label;
    } vs[] = {
        {"2.jspub.file", "BENCH_PUB", "bench.pub.x", js_FileStorage,
         "JS sync publish+ack, 256B, file storage R1"},
        {"2.jspub.mem", "BENCH_PUBM", "bench.pubm.x", js_MemoryStorage,
         "JS sync publish+ack, 256B, memory storage R1 (reference)"},
    };
    for (auto& v : vs) {
        add_stream(c.js, v.stream, {strf("%.*s>", (int)strlen(v.subj) - 1, v.subj).c_str()}, v.st,
                   js_LimitsPolicy);
        std::vector<double> lat;
        int64_t deadline = now_ns() + (int64_t)(2e9 * g_scale);
        int64_t t_start = 0;
        for (int i = -100; i < 20000; i++) {
            if (i == 0) t_start = now_ns();
            int64_t t0 = now_ns();
            jsErrCode jerr = (jsErrCode)0;
            natsStatus s = js_Publish(nullptr, c.js, v.subj, pl.data(), (int)pl.size(), nullptr, &jerr);
            if (s != NATS_OK) die("js_Publish", s, jerr);
            int64_t t1 = now_ns();
            if (i >= 0) lat.push_back(us(t1 - t0));
            if (i >= 0 && (i & 63) == 0 && t1 > deadline) break;
        }
        double secs = (now_ns() - t_start) / 1e9;
        report(v.id, v.label, stats(lat), lat.size() / secs, "msg/s", "sequential");
        del_stream(c.js, v.stream);
    }
    // async publish throughput
    for (int asap = 1; asap >= 0; asap--) {
        Conn a = connect_nats("m2-async", asap, 4096);
        add_stream(a.js, "BENCH_PUB", {"bench.pub.>"}, js_FileStorage, js_LimitsPolicy);
        int64_t t0 = now_ns();
        int64_t deadline = t0 + (int64_t)(2e9 * g_scale);
        long n = 0;
        for (; n < 2000000; n++) {
            natsStatus s = js_PublishAsync(a.js, "bench.pub.a", pl.data(), (int)pl.size(), nullptr);
            if (s != NATS_OK) die("js_PublishAsync", s);
            if ((n & 1023) == 0 && now_ns() > deadline) break;
        }
        jsPubOptions po;
        jsPubOptions_Init(&po);
        po.MaxWait = 60000;
        CHK(js_PublishAsyncComplete(a.js, &po), "publish async complete");
        int64_t t1 = now_ns();
        double rate = n / ((t1 - t0) / 1e9);
        Stats s;
        s.n = (size_t)n;
        report(asap ? "2.jspubasync" : "2.jspubasync.dflt",
               asap ? "JS async publish throughput, 256B, file R1 (SendAsap)"
                    : "JS async publish throughput, 256B, file R1 (DEFAULT opts)",
               s, rate, "msg/s", "MaxPending 4096, until all acked");
        del_stream(a.js, "BENCH_PUB");
        close_nats(a);
    }
    close_nats(c);
}

// ================================================================ 3. KV

static void m3_kv() {
    Conn c = connect_nats("m3", true);
    js_DeleteKeyValue(c.js, "BENCHKV");
    kvConfig kc;
    kvConfig_Init(&kc);
    kc.Bucket = "BENCHKV";
    kc.History = 1;
    kc.StorageType = js_FileStorage;
    kvStore* kv = nullptr;
    CHK(js_CreateKeyValue(&kv, c.js, &kc), "create kv");
    std::string val = payload_of(256, "{\"state\":\"scheduled\",\"node\":\"n1\"}");
    const int64_t budget = (int64_t)(1.5e9 * g_scale);

    // put to new keys (job creation)
    std::vector<double> lat;
    int nkeys = 0;
    {
        int64_t t_start = now_ns(), deadline = t_start + budget;
        for (int i = 0; i < 20000; i++) {
            char key[32];
            snprintf(key, sizeof key, "job-%d", i);
            int64_t t0 = now_ns();
            uint64_t rev = 0;
            CHK(kvStore_Put(&rev, kv, key, val.data(), (int)val.size()), "kv put");
            int64_t t1 = now_ns();
            if (i >= 50) lat.push_back(us(t1 - t0));
            nkeys = i + 1;
            if ((i & 63) == 0 && t1 > deadline) break;
        }
        report("3.kv.put.new", "KV put, new key, 256B (history 1, file)", stats(lat),
               lat.size() / ((now_ns() - t_start) / 1e9), "op/s");
    }
    // put to existing keys (job state update; history 1 => old revision removed)
    lat.clear();
    {
        int64_t t_start = now_ns(), deadline = t_start + budget;
        for (int i = 0; i < 20000; i++) {
            char key[32];
            snprintf(key, sizeof key, "job-%d", (i * 7919) % nkeys);
            int64_t t0 = now_ns();
            uint64_t rev = 0;
            CHK(kvStore_Put(&rev, kv, key, val.data(), (int)val.size()), "kv put");
            int64_t t1 = now_ns();
            lat.push_back(us(t1 - t0));
            if ((i & 63) == 0 && t1 > deadline) break;
        }
        report("3.kv.put.upd", "KV put, existing key (overwrite), 256B", stats(lat),
               lat.size() / ((now_ns() - t_start) / 1e9), "op/s");
    }
    // get
    lat.clear();
    {
        int64_t t_start = now_ns(), deadline = t_start + budget;
        for (int i = 0; i < 20000; i++) {
            char key[32];
            snprintf(key, sizeof key, "job-%d", (i * 104729) % nkeys);
            int64_t t0 = now_ns();
            kvEntry* e = nullptr;
            CHK(kvStore_Get(&e, kv, key), "kv get");
            int64_t t1 = now_ns();
            kvEntry_Destroy(e);
            lat.push_back(us(t1 - t0));
            if ((i & 63) == 0 && t1 > deadline) break;
        }
        report("3.kv.get", "KV get (direct get, AllowDirect=true)", stats(lat),
               lat.size() / ((now_ns() - t_start) / 1e9), "op/s");
    }
    // compare-and-set update (kvStore_Update with expected revision)
    lat.clear();
    {
        uint64_t rev = 0;
        CHK(kvStore_Put(&rev, kv, "cas-key", val.data(), (int)val.size()), "kv put");
        int64_t t_start = now_ns(), deadline = t_start + budget;
        for (int i = 0; i < 20000; i++) {
            int64_t t0 = now_ns();
            uint64_t nrev = 0;
            CHK(kvStore_Update(&nrev, kv, "cas-key", val.data(), (int)val.size(), rev), "kv update");
            int64_t t1 = now_ns();
            rev = nrev;
            lat.push_back(us(t1 - t0));
            if ((i & 63) == 0 && t1 > deadline) break;
        }
        report("3.kv.cas", "KV update with expected revision (CAS)", stats(lat),
               lat.size() / ((now_ns() - t_start) / 1e9), "op/s");
    }
    kvStore_Destroy(kv);
    js_DeleteKeyValue(c.js, "BENCHKV");
    close_nats(c);
}

// ================================================================ 4. delivery latency

static void m4_delivery() {
    Conn pc = connect_nats("m4-pub", true);
    add_stream(pc.js, "BENCH_DLV", {"dlv.>"}, js_FileStorage, js_LimitsPolicy);
    struct V {
        const char* id;
        const char* label;
        int kind;
        int iters;
        int warm;
        int64_t fetch_timeout_ms;
    } vs[] = {
        {"4.dlv.pull1", "publish->delivery: pull consumer, blocked in Fetch(batch=1)", 0, 1000, 20, 5000},
        {"4.dlv.pull16", "publish->delivery: pull, Fetch(batch=16), 1 msg arrives", 1, 1000, 20, 300},
        {"4.dlv.pullnw16", "publish->delivery: pull, FetchRequest(16,NoWait+Expires)", 2, 1000, 20, 5000},
        {"4.dlv.push", "publish->delivery: push consumer (ephemeral), NextMsg", 3, 1000, 20, 5000},
        {"4.dlv.core", "publish->delivery: plain core subscription, NextMsg", 4, 1000, 20, 5000},
    };
    std::string base = payload_of(256, "........dlv");
    for (auto& v : vs) {
        int iters = std::max(v.warm + 3, (int)(v.iters * g_scale));
        Conn wc = connect_nats("m4-worker", true);
        char subj[32];
        snprintf(subj, sizeof subj, "dlv.k%d", v.kind);
        natsSubscription* sub = nullptr;
        if (v.kind <= 2) {
            char dur[16];
            snprintf(dur, sizeof dur, "dlv%d", v.kind);
            add_pull_consumer(pc.js, "BENCH_DLV", dur, subj);
            sub = bind_pull(wc.js, "BENCH_DLV", dur, subj);
        } else if (v.kind == 3) {
            jsSubOptions so;
            jsSubOptions_Init(&so);
            so.Stream = "BENCH_DLV";
            so.Config.AckPolicy = js_AckExplicit;
            so.Config.DeliverPolicy = js_DeliverNew;
            jsErrCode jerr = (jsErrCode)0;
            natsStatus s = js_SubscribeSync(&sub, wc.js, subj, nullptr, &so, &jerr);
            if (s != NATS_OK) die("push subscribe", s, jerr);
        } else {
            CHK(natsConnection_SubscribeSync(&sub, wc.nc, subj), "core sub");
            CHK(natsConnection_Flush(wc.nc), "flush");
        }
        Counter ready, done;
        std::vector<double> lat(iters, NAN);
        std::atomic<bool> stop{false};
        std::thread worker([&] {
            for (int i = 0; i < iters && !stop; i++) {
                ready.set(i + 1);
                natsMsg* m = nullptr;
                natsMsgList list{};
                int64_t t1 = 0;
                while (!stop) {
                    if (v.kind == 0 || v.kind == 1 || v.kind == 2) {
                        int n = fetch_some(sub, v.kind == 0 ? 1 : 16, v.fetch_timeout_ms, &list);
                        if (v.kind == 1 && n == 0) {
                            // plain Fetch(16): fall back to keep the loop going
                            continue;
                        }
                        if (n > 0) {
                            t1 = now_ns();
                            m = list.Msgs[0];
                            break;
                        }
                        if (n < 0) return;
                    } else {
                        natsStatus s = natsSubscription_NextMsg(&m, sub, 1000);
                        if (s == NATS_OK) {
                            t1 = now_ns();
                            break;
                        }
                        if (s != NATS_TIMEOUT) return;
                    }
                }
                if (!m) return;
                int64_t t0;
                memcpy(&t0, natsMsg_GetData(m), sizeof t0);
                lat[i] = us(t1 - t0);
                if (v.kind != 4) natsMsg_Ack(m, nullptr);
                if (list.Count > 0)
                    natsMsgList_Destroy(&list);
                else
                    natsMsg_Destroy(m);
                done.set(i + 1);
            }
        });
        bool ok = true;
        const int64_t vdeadline = now_ns() + (int64_t)(4e9 * std::max(0.25, g_scale));
        for (int i = 0; i < iters; i++) {
            if (now_ns() > vdeadline) break;  // bound: e.g. if Fetch(16) waited for its timeout
            if (!ready.wait_ge(i + 1, 10000)) {
                ok = false;
                break;
            }
            sleep_us(500);  // let the pull request reach the server
            std::string p = base;
            int64_t t0 = now_ns();
            memcpy(&p[0], &t0, sizeof t0);
            jsErrCode jerr = (jsErrCode)0;
            natsStatus s = js_Publish(nullptr, pc.js, subj, p.data(), (int)p.size(), nullptr, &jerr);
            if (s != NATS_OK) die("js_Publish", s, jerr);
            if (!done.wait_ge(i + 1, 10000)) {
                ok = false;
                break;
            }
        }
        stop = true;
        natsConnection_Close(wc.nc);  // wakes the worker if it is still blocked in Fetch/NextMsg
        worker.join();
        std::vector<double> l;
        for (int i = v.warm; i < iters; i++)
            if (!std::isnan(lat[i])) l.push_back(lat[i]);
        report(v.id, v.label, stats(l), NAN, "",
               ok ? (v.kind == 1 ? strf("Fetch timeout %lldms", (long long)v.fetch_timeout_ms) : "")
                  : "TIMED OUT waiting for delivery");
        natsSubscription_Destroy(sub);  // consumers go away with the stream
        close_nats(wc);
    }
    del_stream(pc.js, "BENCH_DLV");
    close_nats(pc);
}

// ================================================================ 5. consumer create/delete

static void m5_consumers() {
    Conn c = connect_nats("m5", true);
    add_stream(c.js, "BENCH_CC", {"cc.>"}, js_FileStorage, js_LimitsPolicy);
    // a few messages so the stream is not empty
    for (int i = 0; i < 100; i++) CHK(js_Publish(nullptr, c.js, "cc.x", "hello", 5, nullptr, nullptr), "pub");
    const int iters = std::max(20, (int)(300 * g_scale));
    for (int mem = 0; mem <= 1; mem++) {
        std::vector<double> cl, dl;
        int64_t deadline = now_ns() + (int64_t)(2e9 * g_scale);
        for (int i = 0; i < iters; i++) {
            char dur[32], filt[32];
            snprintf(dur, sizeof dur, "cc%d", i);
            snprintf(filt, sizeof filt, "cc.%d.>", i);
            jsConsumerConfig cc;
            jsConsumerConfig_Init(&cc);
            cc.Durable = dur;
            cc.FilterSubject = filt;
            cc.AckPolicy = js_AckExplicit;
            cc.MemoryStorage = mem;
            jsConsumerInfo* ci = nullptr;
            jsErrCode jerr = (jsErrCode)0;
            int64_t t0 = now_ns();
            natsStatus s = js_AddConsumer(&ci, c.js, "BENCH_CC", &cc, nullptr, &jerr);
            int64_t t1 = now_ns();
            if (s != NATS_OK) die("add consumer", s, jerr);
            jsConsumerInfo_Destroy(ci);
            s = js_DeleteConsumer(c.js, "BENCH_CC", dur, nullptr, &jerr);
            int64_t t2 = now_ns();
            if (s != NATS_OK) die("delete consumer", s, jerr);
            cl.push_back(us(t1 - t0));
            dl.push_back(us(t2 - t1));
            if (now_ns() > deadline) break;
        }
        report(mem ? "5.cons.mem.add" : "5.cons.add",
               mem ? "durable pull consumer create (MemoryStorage=true)"
                   : "durable pull consumer create (js_AddConsumer, file)",
               stats(cl));
        report(mem ? "5.cons.mem.del" : "5.cons.del",
               mem ? "durable pull consumer delete (MemoryStorage=true)"
                   : "durable pull consumer delete (js_DeleteConsumer)",
               stats(dl));
    }
    // ephemeral pull consumer via js_PullSubscribe (what a per-job consumer would do)
    for (int withStream = 1; withStream >= 0; withStream--) {
        std::vector<double> cl, dl;
        int64_t deadline = now_ns() + (int64_t)(2e9 * g_scale);
        for (int i = 0; i < iters; i++) {
            char filt[32];
            snprintf(filt, sizeof filt, "cc.%d.>", i);
            jsSubOptions so;
            jsSubOptions_Init(&so);
            if (withStream) so.Stream = "BENCH_CC";
            so.Config.AckPolicy = js_AckNone;
            natsSubscription* sub = nullptr;
            jsErrCode jerr = (jsErrCode)0;
            int64_t t0 = now_ns();
            natsStatus s = js_PullSubscribe(&sub, c.js, filt, nullptr, nullptr, &so, &jerr);
            int64_t t1 = now_ns();
            if (s != NATS_OK) die("pull subscribe ephemeral", s, jerr);
            s = natsSubscription_Unsubscribe(sub);  // deletes the consumer (sync request)
            int64_t t2 = now_ns();
            if (s != NATS_OK) die("unsubscribe", s);
            natsSubscription_Destroy(sub);
            cl.push_back(us(t1 - t0));
            dl.push_back(us(t2 - t1));
            if (now_ns() > deadline) break;
        }
        report(withStream ? "5.eph.sub" : "5.eph.sub.nostr",
               withStream ? "ephemeral js_PullSubscribe (opts.Stream set)"
                          : "ephemeral js_PullSubscribe (no Stream: +stream lookup)",
               stats(cl));
        if (withStream)
            report("5.eph.unsub", "ephemeral natsSubscription_Unsubscribe (deletes consumer)",
                   stats(dl));
    }
    del_stream(c.js, "BENCH_CC");

    // Creation cost vs. stream size. A job system's results stream has one subject per job
    // (result.<jobID>.<node>); nats-server 2.9 scans the per-subject state when it creates a
    // filtered consumer that starts at the beginning (DeliverAll), so a per-job consumer gets
    // slower as the stream grows. DeliverNew avoids the scan.
    add_stream(c.js, "BENCH_SZ", {"sz.>"}, js_FileStorage, js_LimitsPolicy);
    std::string pl = payload_of(256, "result");
    int have = 0;
    for (int target : {10000, 100000}) {
        for (; have < target; have++) {
            char subj[48];
            snprintf(subj, sizeof subj, "sz.%d.n1", have);
            CHK(js_PublishAsync(c.js, subj, pl.data(), (int)pl.size(), nullptr), "publish async");
        }
        jsPubOptions po;
        jsPubOptions_Init(&po);
        po.MaxWait = 60000;
        CHK(js_PublishAsyncComplete(c.js, &po), "publish async complete");
        for (int dnew = 0; dnew <= (target == 100000 ? 1 : 0); dnew++) {
            std::vector<double> cl;
            int64_t deadline = now_ns() + (int64_t)(2e9 * g_scale);
            for (int i = 0; i < 30; i++) {
                char filt[48];
                snprintf(filt, sizeof filt, "sz.job%d.>", i);
                jsConsumerConfig cc;
                jsConsumerConfig_Init(&cc);
                cc.AckPolicy = js_AckNone;
                cc.FilterSubject = filt;
                cc.DeliverPolicy = dnew ? js_DeliverNew : js_DeliverAll;
                cc.InactiveThreshold = 60LL * 1000000000LL;
                jsConsumerInfo* ci = nullptr;
                jsErrCode jerr = (jsErrCode)0;
                int64_t t0 = now_ns();
                natsStatus st = js_AddConsumer(&ci, c.js, "BENCH_SZ", &cc, nullptr, &jerr);
                int64_t t1 = now_ns();
                if (st != NATS_OK) die("add ephemeral consumer", st, jerr);
                js_DeleteConsumer(c.js, "BENCH_SZ", ci->Name, nullptr, nullptr);
                jsConsumerInfo_Destroy(ci);
                cl.push_back(us(t1 - t0));
                if (i >= 5 && now_ns() > deadline) break;
            }
            report(strf("5.eph.sz%dk%s", target / 1000, dnew ? ".new" : ""),
                   strf("ephemeral filtered consumer create, stream has %dk subjects, %s", target / 1000,
                        dnew ? "DeliverNew" : "DeliverAll"),
                   stats(cl));
        }
    }
    del_stream(c.js, "BENCH_SZ");
    close_nats(c);
}

// ================================================================ 6/7. job floor

enum ResMode { RES_LONG, RES_EPH, RES_CORE };
enum { T0 = 0, T_REQ_ACK, T_SCHED_GOT, T_SCHED_KV, T_SCHED_CMD, T_WORKER_GOT, T_WORKER_RES, T_CTRL_GOT, T_DONE, T_EPH_SUB, T_N };
static const char* kStageNames[T_N] = {"t0",       "req_acked",  "sched_got",  "sched_kv",  "cmd_acked",
                                       "wrk_got",  "res_acked",  "ctrl_got",   "done",      "eph_sub"};

struct JobCfg {
    std::string id;
    std::string label;
    int conc;
    ResMode rm;
    bool asap;
    bool pipelined;  // scheduler/worker use async publishes per fetched batch
    double secs;
    int max_jobs;
    int warm;
};

struct Stamp {
    int64_t t[T_N];
};

static int parse_job_payload(natsMsg* m) {  // payload starts with "j=<id>;"
    const char* d = natsMsg_GetData(m);
    if (natsMsg_GetDataLength(m) < 3 || d[0] != 'j' || d[1] != '=') return -1;
    return atoi(d + 2);
}
static int parse_result_subject(natsMsg* m) {  // result.<id>.<node>
    const char* s = natsMsg_GetSubject(m);
    if (strncmp(s, "result.", 7) != 0) return -1;
    return atoi(s + 7);
}

static void setup_job_streams(Conn& c) {
    del_stream(c.js, "requests");
    del_stream(c.js, "commands");
    del_stream(c.js, "results");
    js_DeleteKeyValue(c.js, "jobs");
    add_stream(c.js, "requests", {"requests.>"}, js_FileStorage, js_WorkQueuePolicy);
    add_stream(c.js, "commands", {"cmd.>"}, js_FileStorage, js_LimitsPolicy);
    add_stream(c.js, "results", {"result.>"}, js_FileStorage, js_LimitsPolicy);
    kvConfig kc;
    kvConfig_Init(&kc);
    kc.Bucket = "jobs";
    kc.History = 1;
    kc.StorageType = js_FileStorage;
    kvStore* kv = nullptr;
    CHK(js_CreateKeyValue(&kv, c.js, &kc), "create kv jobs");
    kvStore_Destroy(kv);
}
static void teardown_job_streams(Conn& c) {
    del_stream(c.js, "requests");
    del_stream(c.js, "commands");
    del_stream(c.js, "results");
    js_DeleteKeyValue(c.js, "jobs");
}

static void run_job_floor(const JobCfg& cfg) {
    Conn admin = connect_nats("job-admin", true);
    setup_job_streams(admin);
    add_pull_consumer(admin.js, "requests", "scheduler", "requests.>");
    add_pull_consumer(admin.js, "commands", "w-n1", "cmd.node.n1.>");
    if (cfg.rm == RES_LONG) add_pull_consumer(admin.js, "results", "ctrl", "result.>");

    Conn sc = connect_nats("scheduler", cfg.asap), wc = connect_nats("worker-n1", cfg.asap),
         cc = connect_nats("controller", cfg.asap);
    kvStore *skv = nullptr, *ckv = nullptr;
    CHK(js_KeyValue(&skv, sc.js, "jobs"), "kv sched");
    CHK(js_KeyValue(&ckv, cc.js, "jobs"), "kv ctrl");
    natsSubscription* ssub = bind_pull(sc.js, "requests", "scheduler", "requests.>");
    natsSubscription* wsub = bind_pull(wc.js, "commands", "w-n1", "cmd.node.n1.>");
    natsSubscription* csub = nullptr;
    if (cfg.rm == RES_LONG) csub = bind_pull(cc.js, "results", "ctrl", "result.>");
    if (cfg.rm == RES_CORE) {
        CHK(natsConnection_SubscribeSync(&csub, cc.nc, "result.>"), "core result sub");
        CHK(natsConnection_Flush(cc.nc), "flush");
    }

    const int maxJobs = cfg.max_jobs;
    std::vector<Stamp> st(maxJobs);
    for (auto& s : st)
        for (auto& x : s.t) x = 0;
    std::atomic<bool> stop{false};
    std::atomic<int> errors{0};
    const int batch = cfg.conc > 1 ? 64 : 1;
    std::string reqPl = payload_of(256, "");
    std::string kvPl = payload_of(200, "{\"state\":\"scheduled\",\"node\":\"n1\",\"step\":0}");
    std::string kvDone = payload_of(200, "{\"state\":\"done\",\"node\":\"n1\",\"step\":0}");

    auto job_payload = [&](int id, const char* tag) {
        char head[48];
        snprintf(head, sizeof head, "j=%d;%s;", id, tag);
        std::string p = reqPl;
        memcpy(&p[0], head, strlen(head));
        return p;
    };

    // ---- scheduler
    std::thread sched([&] {
        while (!stop) {
            natsMsgList list{};
            int n = fetch_some(ssub, batch, 200, &list);
            if (n < 0) {
                if (!stop) errors++;
                return;
            }
            if (n == 0) continue;
            if (!cfg.pipelined) {
                for (int k = 0; k < n; k++) {
                    natsMsg* m = list.Msgs[k];
                    int id = parse_job_payload(m);
                    if (id < 0 || id >= maxJobs) continue;
                    st[id].t[T_SCHED_GOT] = now_ns();
                    char key[32];
                    snprintf(key, sizeof key, "job-%d", id);
                    uint64_t rev;
                    if (kvStore_Put(&rev, skv, key, kvPl.data(), (int)kvPl.size()) != NATS_OK) errors++;
                    st[id].t[T_SCHED_KV] = now_ns();
                    std::string p = job_payload(id, "cmd");
                    if (js_Publish(nullptr, sc.js, "cmd.node.n1.exec.run", p.data(), (int)p.size(),
                                   nullptr, nullptr) != NATS_OK)
                        errors++;
                    st[id].t[T_SCHED_CMD] = now_ns();
                    natsMsg_Ack(m, nullptr);
                }
            } else {
                std::vector<int> ids;
                for (int k = 0; k < n; k++) {
                    natsMsg* m = list.Msgs[k];
                    int id = parse_job_payload(m);
                    ids.push_back(id);
                    if (id < 0 || id >= maxJobs) continue;
                    st[id].t[T_SCHED_GOT] = now_ns();
                    char kvsubj[48];
                    snprintf(kvsubj, sizeof kvsubj, "$KV.jobs.job-%d", id);
                    if (js_PublishAsync(sc.js, kvsubj, kvPl.data(), (int)kvPl.size(), nullptr) != NATS_OK)
                        errors++;
                    std::string p = job_payload(id, "cmd");
                    if (js_PublishAsync(sc.js, "cmd.node.n1.exec.run", p.data(), (int)p.size(), nullptr) !=
                        NATS_OK)
                        errors++;
                }
                jsPubOptions po;
                jsPubOptions_Init(&po);
                po.MaxWait = 10000;
                if (js_PublishAsyncComplete(sc.js, &po) != NATS_OK) errors++;
                int64_t t = now_ns();
                for (int k = 0; k < n; k++) {
                    int id = ids[k];
                    if (id >= 0 && id < maxJobs) st[id].t[T_SCHED_KV] = st[id].t[T_SCHED_CMD] = t;
                    natsMsg_Ack(list.Msgs[k], nullptr);
                }
            }
            natsMsgList_Destroy(&list);
        }
    });

    // ---- worker n1
    std::thread worker([&] {
        while (!stop) {
            natsMsgList list{};
            int n = fetch_some(wsub, batch, 200, &list);
            if (n < 0) {
                if (!stop) errors++;
                return;
            }
            if (n == 0) continue;
            std::vector<int> ids;
            for (int k = 0; k < n; k++) {
                natsMsg* m = list.Msgs[k];
                int id = parse_job_payload(m);
                ids.push_back(id);
                if (id < 0 || id >= maxJobs) continue;
                st[id].t[T_WORKER_GOT] = now_ns();
                char rsubj[48];
                snprintf(rsubj, sizeof rsubj, "result.%d.n1", id);
                std::string p = job_payload(id, "ok");
                if (!cfg.pipelined) {
                    if (js_Publish(nullptr, wc.js, rsubj, p.data(), (int)p.size(), nullptr, nullptr) != NATS_OK)
                        errors++;
                    st[id].t[T_WORKER_RES] = now_ns();
                    natsMsg_Ack(m, nullptr);
                } else {
                    if (js_PublishAsync(wc.js, rsubj, p.data(), (int)p.size(), nullptr) != NATS_OK) errors++;
                }
            }
            if (cfg.pipelined) {
                jsPubOptions po;
                jsPubOptions_Init(&po);
                po.MaxWait = 10000;
                if (js_PublishAsyncComplete(wc.js, &po) != NATS_OK) errors++;
                int64_t t = now_ns();
                for (int k = 0; k < n; k++) {
                    if (ids[k] >= 0 && ids[k] < maxJobs) st[ids[k]].t[T_WORKER_RES] = t;
                    natsMsg_Ack(list.Msgs[k], nullptr);
                }
            }
            natsMsgList_Destroy(&list);
        }
    });

    // ---- controller
    struct Driver {
        std::mutex m;
        std::condition_variable cv;
    };
    std::vector<std::unique_ptr<Driver>> drivers;
    for (int d = 0; d < cfg.conc; d++) drivers.emplace_back(new Driver);
    std::vector<int> owner(maxJobs, -1);
    std::unique_ptr<std::atomic<uint8_t>[]> got(new std::atomic<uint8_t>[maxJobs]);
    for (int i = 0; i < maxJobs; i++) got[i] = 0;
    const bool collector_thread = (cfg.rm != RES_EPH) && cfg.conc > 1;

    auto deliver_result = [&](int id) {
        if (id < 0 || id >= maxJobs) return;
        st[id].t[T_CTRL_GOT] = now_ns();
        int d = owner[id];
        got[id] = 1;
        if (d >= 0) {
            std::lock_guard<std::mutex> l(drivers[d]->m);
            drivers[d]->cv.notify_one();
        }
    };

    std::thread collector;
    if (collector_thread) {
        collector = std::thread([&] {
            while (!stop) {
                if (cfg.rm == RES_LONG) {
                    natsMsgList list{};
                    int n = fetch_some(csub, 64, 200, &list);
                    if (n < 0) {
                        if (!stop) errors++;
                        return;
                    }
                    for (int k = 0; k < n; k++) {
                        natsMsg* m = list.Msgs[k];
                        int id = parse_result_subject(m);
                        natsMsg_Ack(m, nullptr);
                        deliver_result(id);
                    }
                    if (n > 0) natsMsgList_Destroy(&list);
                } else {
                    natsMsg* m = nullptr;
                    natsStatus s = natsSubscription_NextMsg(&m, csub, 200);
                    if (s == NATS_TIMEOUT) continue;
                    if (s != NATS_OK) return;
                    deliver_result(parse_result_subject(m));
                    natsMsg_Destroy(m);
                }
            }
        });
    }

    std::atomic<int> next_id{0};
    const int64_t t_begin = now_ns();
    const int64_t deadline = t_begin + (int64_t)(cfg.secs * 1e9 * g_scale);
    auto drive = [&](int d) {
        while (true) {
            int id = next_id.fetch_add(1);
            if (id >= maxJobs || (id >= cfg.warm && now_ns() > deadline)) break;
            owner[id] = d;
            char subj[48], key[32];
            snprintf(subj, sizeof subj, "requests.%d", id);
            snprintf(key, sizeof key, "job-%d", id);
            std::string p = job_payload(id, "req");
            st[id].t[T0] = now_ns();
            jsErrCode jerr = (jsErrCode)0;
            natsStatus s = js_Publish(nullptr, cc.js, subj, p.data(), (int)p.size(), nullptr, &jerr);
            if (s != NATS_OK) die("publish request", s, jerr);
            st[id].t[T_REQ_ACK] = now_ns();
            natsSubscription* esub = nullptr;
            if (cfg.rm == RES_EPH) {
                char rsubj[48];
                snprintf(rsubj, sizeof rsubj, "result.%d.>", id);
                jsSubOptions so;
                jsSubOptions_Init(&so);
                so.Stream = "results";
                so.Config.AckPolicy = js_AckNone;
                so.Config.InactiveThreshold = 60LL * 1000000000LL;
                s = js_PullSubscribe(&esub, cc.js, rsubj, nullptr, nullptr, &so, &jerr);
                if (s != NATS_OK) die("ephemeral result consumer", s, jerr);
                st[id].t[T_EPH_SUB] = now_ns();
                int tries = 0;
                while (true) {
                    natsMsgList list{};
                    int n = fetch_some(esub, 1, 5000, &list);
                    if (n > 0) {
                        st[id].t[T_CTRL_GOT] = now_ns();
                        natsMsgList_Destroy(&list);
                        break;
                    }
                    if (n < 0 || ++tries > 3) die("ephemeral fetch", NATS_TIMEOUT);
                }
            } else if (!collector_thread) {
                // sequential: the controller thread reads the long-lived consumer / core sub itself
                bool have = false;
                int tries = 0;
                while (!have) {
                    if (cfg.rm == RES_LONG) {
                        natsMsgList list{};
                        int n = fetch_some(csub, 1, 5000, &list);
                        if (n < 0) die("ctrl fetch", NATS_ERR);
                        for (int k = 0; k < n; k++) {
                            natsMsg* m = list.Msgs[k];
                            int rid = parse_result_subject(m);
                            natsMsg_Ack(m, nullptr);
                            if (rid == id) {
                                st[id].t[T_CTRL_GOT] = now_ns();
                                have = true;
                            }
                        }
                        if (n > 0) natsMsgList_Destroy(&list);
                    } else {
                        natsMsg* m = nullptr;
                        natsStatus s2 = natsSubscription_NextMsg(&m, csub, 5000);
                        if (s2 == NATS_OK) {
                            if (parse_result_subject(m) == id) {
                                st[id].t[T_CTRL_GOT] = now_ns();
                                have = true;
                            }
                            natsMsg_Destroy(m);
                        } else if (s2 != NATS_TIMEOUT) {
                            die("core next", s2);
                        }
                    }
                    if (!have && ++tries > 20) die("controller: result never arrived", NATS_TIMEOUT);
                }
            } else {
                std::unique_lock<std::mutex> l(drivers[d]->m);
                if (!drivers[d]->cv.wait_for(l, std::chrono::seconds(10), [&] { return got[id].load() != 0; }))
                    die("controller: result never arrived", NATS_TIMEOUT);
            }
            uint64_t rev;
            s = kvStore_Put(&rev, ckv, key, kvDone.data(), (int)kvDone.size());
            if (s != NATS_OK) die("kv put done", s);
            st[id].t[T_DONE] = now_ns();
            if (esub) {
                natsSubscription_Unsubscribe(esub);  // deletes the ephemeral consumer
                natsSubscription_Destroy(esub);
            }
        }
    };
    std::vector<std::thread> dthreads;
    for (int d = 0; d < cfg.conc; d++) dthreads.emplace_back(drive, d);
    for (auto& t : dthreads) t.join();
    const int64_t t_end_all = now_ns();
    stop = true;
    sched.join();
    worker.join();
    if (collector.joinable()) collector.join();

    // ---- stats
    std::vector<double> lat;
    int64_t tmin = INT64_MAX, tmax = 0;
    std::vector<std::vector<double>> stage(T_N);
    int issued = std::min(next_id.load(), maxJobs);
    for (int id = cfg.warm; id < issued; id++) {
        const Stamp& s = st[id];
        if (s.t[T_DONE] == 0) continue;
        lat.push_back(us(s.t[T_DONE] - s.t[T0]));
        tmin = std::min(tmin, s.t[T0]);
        tmax = std::max(tmax, s.t[T_DONE]);
        for (int k = 1; k < T_N; k++)
            if (s.t[k]) stage[k].push_back(us(s.t[k] - s.t[T0]));
    }
    double rate = lat.empty() ? NAN : lat.size() / ((tmax - tmin) / 1e9);
    std::string nt = strf("conc=%d%s%s", cfg.conc, cfg.asap ? "" : " default-opts",
                          cfg.pipelined ? " pipelined" : "");
    if (errors) nt += strf(" ERRORS=%d", errors.load());
    (void)t_end_all;
    report(cfg.id, cfg.label, stats(lat), rate, "jobs/s", nt);
    std::string tl = "median us since t0:";
    for (int k = 1; k < T_N; k++)
        if (!stage[k].empty()) tl += strf(" %s=%s", kStageNames[k], fmt_num(median_of(stage[k])).c_str());
    note_line(cfg.id, tl);

    // ---- cleanup
    natsSubscription_Destroy(ssub);
    natsSubscription_Destroy(wsub);
    if (csub) natsSubscription_Destroy(csub);
    kvStore_Destroy(skv);
    kvStore_Destroy(ckv);
    close_nats(sc);
    close_nats(wc);
    close_nats(cc);
    teardown_job_streams(admin);
    close_nats(admin);
}

static void m6_job_seq() {
    std::vector<JobCfg> v = {
        {"6.job.long", "job floor seq: result via long-lived pull consumer result.>", 1, RES_LONG, true, false, 2.0, 5000, 30},
        {"6.job.eph", "job floor seq: result via new ephemeral consumer per job", 1, RES_EPH, true, false, 2.0, 5000, 30},
        {"6.job.core", "job floor seq: result via plain core sub result.> (ref)", 1, RES_CORE, true, false, 2.0, 5000, 30},
        {"6.job.long.dflt", "job floor seq: long-lived consumer, DEFAULT conn options", 1, RES_LONG, false, false, 2.0, 1000, 10},
    };
    for (auto& c : v) run_job_floor(c);
}

static void m7_job_conc() {
    std::vector<JobCfg> v;
    for (int conc : {16, 64}) {
        v.push_back({strf("7.job.long.c%d", conc), strf("job floor conc %d: long-lived result consumer", conc), conc,
                     RES_LONG, true, false, 3.0, 200000, 4 * conc});
        v.push_back({strf("7.job.eph.c%d", conc), strf("job floor conc %d: ephemeral consumer per job", conc), conc,
                     RES_EPH, true, false, 3.0, 200000, 4 * conc});
        v.push_back({strf("7.job.pipe.c%d", conc),
                     strf("job floor conc %d: long-lived, sched/worker async-pub batches", conc), conc, RES_LONG,
                     true, true, 3.0, 200000, 4 * conc});
    }
    for (auto& c : v) run_job_floor(c);
}

// ================================================================ 8. fan-out

struct FanWorker {
    int idx;
    int conn;
    char pull_subj[96];
    char reply[64];
};

struct FanState {
    std::vector<Conn> conns;
    std::vector<FanWorker> workers;
    std::atomic<int64_t> first_dlv{INT64_MAX}, last_dlv{0};
    std::atomic<int> delivered{0};
    Counter armed;
    std::atomic<int> errs{0};
    std::string pullBody;
};

static void fan_issue_pull(FanState* f, int i) {
    FanWorker& w = f->workers[i];
    natsConnection* nc = f->conns[w.conn].nc;
    if (natsConnection_PublishRequest(nc, w.pull_subj, w.reply, f->pullBody.data(), (int)f->pullBody.size()) !=
        NATS_OK)
        f->errs++;
}

static void atomic_min(std::atomic<int64_t>& a, int64_t v) {
    int64_t cur = a.load();
    while (v < cur && !a.compare_exchange_weak(cur, v)) {
    }
}
static void atomic_max(std::atomic<int64_t>& a, int64_t v) {
    int64_t cur = a.load();
    while (v > cur && !a.compare_exchange_weak(cur, v)) {
    }
}

// One callback per connection: messages for all workers on that connection.
static void fan_cb(natsConnection* nc, natsSubscription*, natsMsg* m, void* closure) {
    FanState* f = (FanState*)closure;
    // A JetStream delivery carries the ORIGINAL subject (cmd.group.g1.run), not
    // our inbox, so the worker is identified from the ack reply subject
    // $JS.ACK.<stream>.<consumer>.<...>; status messages (408 etc.) have no
    // reply and arrive on the inbox _INBOX.fan.<conn>.<worker>.
    const char* reply = natsMsg_GetReply(m);
    int i = -1;
    if (reply && strncmp(reply, "$JS.ACK.commands.fw", 19) == 0) {
        i = atoi(reply + 19);
    } else {
        const char* stv = nullptr;
        const char* subj = natsMsg_GetSubject(m);
        const char* last = strrchr(subj, '.');
        i = last ? atoi(last + 1) : -1;
        if (i >= 0 && i < (int)f->workers.size() && natsMsgHeader_Get(m, "Status", &stv) == NATS_OK &&
            strncmp(stv, "408", 3) == 0)
            fan_issue_pull(f, i);  // pull request expired: re-arm
        natsMsg_Destroy(m);
        return;
    }
    if (i < 0 || i >= (int)f->workers.size()) {
        natsMsg_Destroy(m);
        return;
    }
    int64_t t = now_ns();
    atomic_min(f->first_dlv, t);
    atomic_max(f->last_dlv, t);
    f->delivered++;
    // payload: "r=<round>;"
    int round = atoi(natsMsg_GetData(m) + 2);
    char rs[64];
    snprintf(rs, sizeof rs, "result.fan%d.%d.w%d", (int)f->workers.size(), round, i);
    jsCtx* js = f->conns[f->workers[i].conn].js;
    if (js_PublishAsync(js, rs, "ok", 2, nullptr) != NATS_OK) f->errs++;
    // ack the command (natsMsg_Ack needs a JetStream subscription, this is a plain one)
    if (natsConnection_Publish(nc, natsMsg_GetReply(m), "+ACK", 4) != NATS_OK) f->errs++;
    fan_issue_pull(f, i);
    f->armed.add(1);
    natsMsg_Destroy(m);
}

static std::atomic<long> g_fan_fetches{0};
// Collect N results whose subject starts with `prefix`, from the pull consumer `csub`
// (fetch batches, ack each) or, if coresub is given, from a plain core subscription.
static void collect_fan_results(natsSubscription* csub, natsSubscription* coresub, int N, const char* prefix,
                                int64_t* t_all, bool* ok) {
    int have = 0;
    size_t pl = strlen(prefix);
    int64_t deadline = now_ns() + 20000000000LL;
    while (have < N && now_ns() < deadline) {
        if (coresub) {
            natsMsg* m = nullptr;
            if (natsSubscription_NextMsg(&m, coresub, 2000) != NATS_OK) continue;
            if (strncmp(natsMsg_GetSubject(m), prefix, pl) == 0) have++;
            natsMsg_Destroy(m);
            continue;
        }
        natsMsgList list{};
        int n = fetch_some(csub, std::min(N - have, 256), 2000, &list);
        g_fan_fetches++;
        if (n < 0) break;
        for (int k = 0; k < n; k++) {
            natsMsg* m = list.Msgs[k];
            if (strncmp(natsMsg_GetSubject(m), prefix, pl) == 0) have++;
            natsMsg_Ack(m, nullptr);
        }
        if (n > 0) natsMsgList_Destroy(&list);
    }
    *t_all = now_ns();
    *ok = have == N;
}

static std::vector<double> create_consumers(jsCtx* js, int N, const char* prefix, double* total_ms) {
    std::vector<double> lat;
    int64_t t0 = now_ns();
    for (int i = 0; i < N; i++) {
        char dur[32];
        snprintf(dur, sizeof dur, "%s%d", prefix, i);
        int64_t a = now_ns();
        add_pull_consumer(js, "commands", dur, "cmd.group.g1.>");
        lat.push_back(us(now_ns() - a));
    }
    *total_ms = (now_ns() - t0) / 1e6;
    return lat;
}
static double delete_consumers(jsCtx* js, int N, const char* prefix) {
    int64_t t0 = now_ns();
    for (int i = 0; i < N; i++) {
        char dur[32];
        snprintf(dur, sizeof dur, "%s%d", prefix, i);
        js_DeleteConsumer(js, "commands", dur, nullptr, nullptr);
    }
    return (now_ns() - t0) / 1e6;
}

static void m8_fanout(const std::vector<int>& Ns, bool with_fetch_threads) {
    const int K = 4;  // worker connections shared by all N workers
    for (int N : Ns) {
        Conn admin = connect_nats("fan-admin", true);
        del_stream(admin.js, "commands");
        del_stream(admin.js, "results");
        add_stream(admin.js, "commands", {"cmd.>"}, js_FileStorage, js_LimitsPolicy);
        add_stream(admin.js, "results", {"result.>"}, js_FileStorage, js_LimitsPolicy);
        add_pull_consumer(admin.js, "results", "fanctl", "result.>");
        Conn ctl = connect_nats("fan-controller", true);
        natsSubscription* csub = bind_pull(ctl.js, "results", "fanctl", "result.>");
        const int rounds = N >= 1000 ? std::max(3, (int)(10 * g_scale)) : std::max(3, (int)(20 * g_scale));

        // publish latency on `commands` without consumers (reference)
        auto pub_lat = [&](const char* subj) {
            std::vector<double> l;
            for (int i = 0; i < 300; i++) {
                int64_t a = now_ns();
                CHK(js_Publish(nullptr, admin.js, subj, "x", 1, nullptr, nullptr), "pub");
                if (i >= 20) l.push_back(us(now_ns() - a));
            }
            return stats(l);
        };
        Stats p0 = pub_lat("cmd.node.zz.noop");

        // ---- create N durable pull consumers
        double create_ms = 0;
        std::vector<double> cl = create_consumers(admin.js, N, "fw", &create_ms);
        std::string growth;
        if (N >= 100) {
            size_t k = cl.size() / 10;
            growth = strf("; median of first %zu %s us, of last %zu %s us", k,
                          fmt_num(median_of(std::vector<double>(cl.begin(), cl.begin() + k))).c_str(), k,
                          fmt_num(median_of(std::vector<double>(cl.end() - k, cl.end()))).c_str());
        }
        report(strf("8.create.N%d", N), strf("create %d durable pull consumers (sequential)", N), stats(cl),
               N / (create_ms / 1000.0), "cons/s", strf("total %.0f ms%s", create_ms, growth.c_str()));
        Stats p1 = pub_lat("cmd.node.zz.noop");
        report(strf("8.pubN.N%d", N), strf("JS publish on `commands` w/ %d consumers (no match)", N), p1, NAN, "",
               strf("same with 0 consumers: p50=%s p99=%s", fmt_num(p0.p50).c_str(), fmt_num(p0.p99).c_str()));

        // ---- RAW: K connections, hand-rolled pull requests, one callback thread per connection.
        // Collected twice: by the controller's durable pull consumer on result.> (the design),
        // and by a plain core subscription on result.> (reference: what the consumer path costs).
        {
            FanState f;
            f.pullBody = "{\"batch\":1,\"expires\":30000000000}";
            for (int k = 0; k < K; k++) f.conns.push_back(connect_nats("fan-workers", true, 65536));
            f.workers.resize(N);
            std::vector<natsSubscription*> subs(K);
            for (int k = 0; k < K; k++) {
                char ws[64];
                snprintf(ws, sizeof ws, "_INBOX.fan.%d.*", k);
                CHK(natsConnection_Subscribe(&subs[k], f.conns[k].nc, ws, fan_cb, &f), "fan sub");
                CHK(natsConnection_Flush(f.conns[k].nc), "flush");
            }
            for (int i = 0; i < N; i++) {
                FanWorker& w = f.workers[i];
                w.idx = i;
                w.conn = i % K;
                snprintf(w.pull_subj, sizeof w.pull_subj, "$JS.API.CONSUMER.MSG.NEXT.commands.fw%d", i);
                snprintf(w.reply, sizeof w.reply, "_INBOX.fan.%d.%d", w.conn, i);
            }
            for (int i = 0; i < N; i++) fan_issue_pull(&f, i);
            for (int k = 0; k < K; k++) natsConnection_Flush(f.conns[k].nc);
            sleep_us(20000 + N * 20);
            bool ok = true;
            int rounds_done = 0;
            for (int cm = 0; cm < 2 && ok; cm++) {
                natsSubscription* coresub = nullptr;
                if (cm == 1) {
                    CHK(natsConnection_SubscribeSync(&coresub, ctl.nc, "result.>"), "core result sub");
                    CHK(natsConnection_Flush(ctl.nc), "flush");
                }
                std::vector<double> tall, tfirst, tlast;
                g_fan_fetches = 0;
                for (int r = 0; r < rounds && ok; r++) {
                    if (!f.armed.wait_ge((int64_t)N * rounds_done, 10000)) {
                        ok = false;
                        break;
                    }
                    for (int k = 0; k < K; k++) natsConnection_Flush(f.conns[k].nc);
                    sleep_us(5000 + N * 10);
                    f.first_dlv = INT64_MAX;
                    f.last_dlv = 0;
                    int rid = cm * 1000 + r;
                    char body[32], prefix[64];
                    snprintf(body, sizeof body, "r=%d;", rid);
                    snprintf(prefix, sizeof prefix, "result.fan%d.%d.", N, rid);
                    int64_t t0 = now_ns();
                    CHK(js_Publish(nullptr, ctl.js, "cmd.group.g1.run", body, (int)strlen(body), nullptr, nullptr),
                        "publish fan-out command");
                    int64_t t_all;
                    collect_fan_results(cm == 0 ? csub : nullptr, coresub, N, prefix, &t_all, &ok);
                    rounds_done++;
                    if (r == 0) continue;  // warm-up round
                    tall.push_back(us(t_all - t0));
                    tfirst.push_back(us(f.first_dlv.load() - t0));
                    tlast.push_back(us(f.last_dlv.load() - t0));
                }
                Stats s = stats(tall);
                if (cm == 0)
                    report(strf("8.fan.raw.N%d", N),
                           strf("fan-out %d: publish -> all %d results (raw pulls, %d conns)", N, N, K), s,
                           N / (s.p50 / 1e6), "results/s",
                           strf("median first delivery %s us, last delivery %s us; controller fetches/round "
                                "%.1f%s",
                                fmt_num(median_of(tfirst)).c_str(), fmt_num(median_of(tlast)).c_str(),
                                (double)g_fan_fetches.load() / rounds, ok ? "" : " INCOMPLETE"));
                else
                    report(strf("8.fan.rawcore.N%d", N),
                           strf("  same, controller collects via core sub result.> (ref)"), s, N / (s.p50 / 1e6),
                           "results/s",
                           strf("median first delivery %s us, last delivery %s us%s",
                                fmt_num(median_of(tfirst)).c_str(), fmt_num(median_of(tlast)).c_str(),
                                ok ? "" : " INCOMPLETE"));
                if (coresub) {
                    natsSubscription_Unsubscribe(coresub);
                    natsSubscription_Destroy(coresub);
                }
            }
            for (int k = 0; k < K; k++) {
                natsSubscription_Unsubscribe(subs[k]);
                natsSubscription_Destroy(subs[k]);
            }
            for (auto& c : f.conns) {
                jsPubOptions po;
                jsPubOptions_Init(&po);
                po.MaxWait = 5000;
                js_PublishAsyncComplete(c.js, &po);
                close_nats(c);
            }
            if (f.errs) fprintf(stderr, "fan raw errors: %d\n", f.errs.load());
            // The core-collected rounds left unread results in `fanctl`: start it afresh.
            natsSubscription_Destroy(csub);
            js_DeleteConsumer(admin.js, "results", "fanctl", nullptr, nullptr);
            js_PurgeStream(admin.js, "results", nullptr, nullptr);
            add_pull_consumer(admin.js, "results", "fanctl", "result.>");
            csub = bind_pull(ctl.js, "results", "fanctl", "result.>");
        }
        double del_ms = delete_consumers(admin.js, N, "fw");
        note_line(strf("8.create.N%d", N), strf("deleting the %d consumers took %.0f ms", N, del_ms));

        // ---- FETCH: one thread per worker blocked in natsSubscription_Fetch(batch 1), K shared conns
        if (with_fetch_threads) {
            // fresh command history, otherwise the new consumers (DeliverAll) replay the RAW rounds
            js_PurgeStream(admin.js, "commands", nullptr, nullptr);
            double cms = 0;
            create_consumers(admin.js, N, "ft", &cms);
            std::vector<Conn> conns;
            for (int k = 0; k < K; k++) conns.push_back(connect_nats("fan-fetch-workers", true));
            std::vector<natsSubscription*> subs(N);
            int64_t tb = now_ns();
            for (int i = 0; i < N; i++) {
                char dur[32];
                snprintf(dur, sizeof dur, "ft%d", i);
                subs[i] = bind_pull(conns[i % K].js, "commands", dur, "cmd.group.g1.>");
            }
            double bind_ms = (now_ns() - tb) / 1e6;
            std::atomic<bool> stop{false};
            Counter armed;
            std::atomic<int64_t> first{INT64_MAX}, lastd{0};
            std::atomic<int> errs{0};
            std::vector<SmallThread> th(N);
            for (int i = 0; i < N; i++) {
                th[i].start([&, i] {
                    jsCtx* js = conns[i % K].js;
                    armed.add(1);
                    while (!stop) {
                        natsMsgList list{};
                        natsStatus s = natsSubscription_Fetch(&list, subs[i], 1, 3000, nullptr);
                        if (s == NATS_TIMEOUT) continue;
                        if (s != NATS_OK) break;
                        int64_t t = now_ns();
                        atomic_min(first, t);
                        atomic_max(lastd, t);
                        natsMsg* m = list.Msgs[0];
                        int round = atoi(natsMsg_GetData(m) + 2);
                        char rs[64];
                        snprintf(rs, sizeof rs, "result.fanft%d.%d.w%d", N, round, i);
                        if (js_Publish(nullptr, js, rs, "ok", 2, nullptr, nullptr) != NATS_OK) errs++;
                        natsMsg_Ack(m, nullptr);
                        natsMsgList_Destroy(&list);
                        armed.add(1);
                    }
                });
            }
            std::vector<double> tall, tfirst, tlast;
            bool ok = true;
            for (int r = 0; r < rounds && ok; r++) {
                if (!armed.wait_ge((int64_t)N * (r + 1), 20000)) {
                    ok = false;
                    break;
                }
                sleep_us(10000 + N * 30);
                first = INT64_MAX;
                lastd = 0;
                char body[32];
                snprintf(body, sizeof body, "r=%d;", r);
                char prefix[64];
                snprintf(prefix, sizeof prefix, "result.fanft%d.%d.", N, r);
                int64_t t0 = now_ns();
                CHK(js_Publish(nullptr, ctl.js, "cmd.group.g1.run", body, (int)strlen(body), nullptr, nullptr),
                    "publish fan-out command");
                int64_t t_all;
                collect_fan_results(csub, nullptr, N, prefix, &t_all, &ok);
                if (r == 0) continue;
                tall.push_back(us(t_all - t0));
                tfirst.push_back(us(first.load() - t0));
                tlast.push_back(us(lastd.load() - t0));

            }
            Stats s = stats(tall);
            report(strf("8.fan.fetch.N%d", N),
                   strf("fan-out %d: publish -> all results (%d threads in Fetch)", N, N), s, N / (s.p50 / 1e6),
                   "results/s",
                   strf("median first delivery %s us, last %s us; binding %d subs took %.0f ms%s",
                        fmt_num(median_of(tfirst)).c_str(), fmt_num(median_of(tlast)).c_str(), N, bind_ms,
                        ok ? "" : " INCOMPLETE"));
            stop = true;
            for (auto& c : conns) natsConnection_Close(c.nc);  // wakes threads blocked in Fetch
            for (auto& t : th) t.join();
            for (auto* s2 : subs) natsSubscription_Destroy(s2);
            for (auto& c : conns) close_nats(c);
            if (errs) fprintf(stderr, "fan fetch errors: %d\n", errs.load());
            delete_consumers(admin.js, N, "ft");
        }
        natsSubscription_Destroy(csub);
        close_nats(ctl);
        del_stream(admin.js, "commands");
        del_stream(admin.js, "results");
        close_nats(admin);
    }
}

// ================================================================ aggregation of several runs

struct AggRow {
    std::string id, label, unit;
    std::vector<double> n, p50, p90, p99, rate;
};

static int aggregate(const std::vector<std::string>& files) {
    std::vector<std::string> order;
    std::map<std::string, AggRow> rows;
    std::map<std::string, std::vector<std::string>> notes;
    for (auto& fn : files) {
        FILE* f = fopen(fn.c_str(), "r");
        if (!f) {
            perror(fn.c_str());
            return 1;
        }
        char line[4096];
        while (fgets(line, sizeof line, f)) {
            std::vector<std::string> c;
            std::string cur;
            for (char* p = line; *p && *p != '\n'; p++) {
                if (*p == '\t') {
                    c.push_back(cur);
                    cur.clear();
                } else
                    cur.push_back(*p);
            }
            c.push_back(cur);
            if (c.size() >= 3 && c[0] == "#NOTE") {
                notes[c[1]].push_back(c[2]);
                continue;
            }
            if (c.size() < 9) continue;
            auto& r = rows[c[0]];
            if (r.id.empty()) {
                r.id = c[0];
                r.label = c[1];
                r.unit = c[8];
                order.push_back(c[0]);
            }
            r.n.push_back(atof(c[2].c_str()));
            r.p50.push_back(atof(c[3].c_str()));
            r.p90.push_back(atof(c[4].c_str()));
            r.p99.push_back(atof(c[5].c_str()));
            r.rate.push_back(atof(c[7].c_str()));
            if (c.size() >= 10 && !c[9].empty()) notes[c[0]].push_back(c[9]);
        }
        fclose(f);
    }
    auto med = [](std::vector<double> v) {
        std::vector<double> w;
        for (double x : v)
            if (!std::isnan(x)) w.push_back(x);
        if (w.empty()) return (double)NAN;
        std::sort(w.begin(), w.end());
        return w[(w.size() - 1) / 2 + (w.size() % 2 == 0 ? 0 : 0)];
    };
    auto range = [](std::vector<double> v) {
        std::vector<double> w;
        for (double x : v)
            if (!std::isnan(x)) w.push_back(x);
        if (w.size() < 2) return std::string();
        auto mm = std::minmax_element(w.begin(), w.end());
        return strf(" (%s–%s)", fmt_num(*mm.first).c_str(), fmt_num(*mm.second).c_str());
    };
    printf("Runs aggregated: %zu. Latencies in microseconds; value = median over runs, (min–max over runs).\n\n",
           files.size());
    printf("| id | measurement | p50 µs | p90 µs | p99 µs | throughput |\n");
    printf("|---|---|---|---|---|---|\n");
    for (auto& id : order) {
        auto& r = rows[id];
        std::string rate = std::isnan(med(r.rate)) ? "" : fmt_num(med(r.rate)) + range(r.rate) + " " + r.unit;
        printf("| %s | %s | %s%s | %s | %s | %s |\n", id.c_str(), r.label.c_str(), fmt_num(med(r.p50)).c_str(),
               range(r.p50).c_str(), fmt_num(med(r.p90)).c_str(), fmt_num(med(r.p99)).c_str(), rate.c_str());
    }
    printf("\nNotes (one line per run):\n\n");
    for (auto& id : order) {
        auto it = notes.find(id);
        if (it == notes.end()) continue;
        for (auto& n : it->second) printf("- `%s` %s\n", id.c_str(), n.c_str());
    }
    return 0;
}

// ================================================================ main

static void usage() {
    fprintf(stderr,
            "usage: natsfloor --url nats://127.0.0.1:PORT [--tsv FILE] [--only 1,2,...] [--scale X]\n"
            "                 [--fanout 10,100,1000] [--no-fetch-threads]\n"
            "       natsfloor --aggregate run1.tsv run2.tsv ...\n");
}

int main(int argc, char** argv) {
    std::set<int> only;
    std::vector<int> fanNs = {10, 100, 1000};
    bool fetchThreads = true;
    std::vector<std::string> agg;
    for (int i = 1; i < argc; i++) {
        std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) {
                usage();
                exit(1);
            }
            return argv[++i];
        };
        if (a == "--url")
            g_url = next();
        else if (a == "--tsv") {
            g_tsv = fopen(next().c_str(), "w");
            if (!g_tsv) {
                perror("tsv");
                return 1;
            }
        } else if (a == "--only") {
            std::string l = next();
            for (char* p = strtok(&l[0], ","); p; p = strtok(nullptr, ",")) only.insert(atoi(p));
        } else if (a == "--scale")
            g_scale = atof(next().c_str());
        else if (a == "--fanout") {
            fanNs.clear();
            std::string l = next();
            for (char* p = strtok(&l[0], ","); p; p = strtok(nullptr, ",")) fanNs.push_back(atoi(p));
        } else if (a == "--no-fetch-threads")
            fetchThreads = false;
        else if (a == "--aggregate") {
            for (i++; i < argc; i++) agg.push_back(argv[i]);
        } else {
            usage();
            return 1;
        }
    }
    if (!agg.empty()) return aggregate(agg);

    CHK(nats_Open(-1), "nats_Open");
    printf("natsfloor: nats.c %s, server %s\n", nats_GetVersion(), g_url.c_str());
    int64_t t0 = now_ns();
    if (want(only, 0)) m0_calibration();
    if (want(only, 1)) m1_reqrep();
    if (want(only, 2)) m2_jspub();
    if (want(only, 3)) m3_kv();
    if (want(only, 4)) m4_delivery();
    if (want(only, 5)) m5_consumers();
    if (want(only, 6)) m6_job_seq();
    if (want(only, 7)) m7_job_conc();
    if (want(only, 8)) m8_fanout(fanNs, fetchThreads);
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    double cpu = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
    printf("total wall time %.1f s; client cpu %.1f s; async errors %d, async publish errors %d\n",
           (now_ns() - t0) / 1e9, cpu, g_async_errs.load(), g_puback_errs.load());
    printf("client-cpu-seconds %.2f\n", cpu);
    if (g_tsv) fclose(g_tsv);
    nats_CloseAndWait(5000);
    return 0;
}
