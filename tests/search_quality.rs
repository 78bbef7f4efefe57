//! Search quality on the bundled handbook: each query must rank its section in the top three.
//! The queries run through the shipped client (`static/search.js`) in headless Chromium, on
//! the index the build wrote; at least 95 % must hit.
//!
//! The set covers exact terms, other names (aliases), typos (20 of them a swap of neighbours, a
//! missing or a doubled letter in a word of 5+ letters), prefixes of the word being typed,
//! several words at once and quoted phrases, over the principles, components, C.O.R.E.M and
//! deep-dive notes; expectations are note pages (`…html`) or sections (`…html#anchor`)
//! relative to the site root.

mod support;

const QUERIES: &[(&str, &str)] = &[
    // typos
    ("cap theorm", "principles/cap-theorem.html"),
    ("circiut breaker", "components/circuit-breaker.html"),
    ("replicaton", "principles/replication.html"),
    (
        "exponential backof jitter",
        "components/backpressure-and-backoff.html#add-jitter",
    ),
    // typos in words of 5+ letters: two neighbours swapped (Damerau distance)
    ("geohsah", "components/geohashing-and-quadtrees.html"),
    ("sharidng", "deep-dives/sharding.html"),
    ("kafak", "components/kafka.html"),
    ("comrpession", "deep-dives/compression.html"),
    ("rabbtimq", "components/rabbitmq.html"),
    ("tiemout", "deep-dives/timeout.html"),
    ("load balnacer", "components/load-balancer.html"),
    // ... a letter missing
    ("thunderng herd", "components/thundering-herd.html"),
    ("monitorng", "deep-dives/monitoring.html"),
    ("throughpt", "principles/latency-vs-throughput.html"),
    (
        "consistncy patterns",
        "principles/consistency-patterns.html",
    ),
    ("federaton", "components/database-federation.html"),
    ("encrytion", "components/hashing-and-encryption.html"),
    (
        "quadtres",
        "components/geohashing-and-quadtrees.html#quadtrees",
    ),
    // ... a letter doubled
    ("cachhe eviction", "components/cache-eviction-policies.html"),
    ("availabillity", "principles/availability-in-numbers.html"),
    ("latenncy", "principles/latency-vs-throughput.html"),
    ("scalabbility", "principles/performance-vs-scalability.html"),
    (
        "microservicess",
        "components/microservices-monolith-soa.html",
    ),
    ("proxxy", "components/proxy.html"),
    // prefixes of the word being typed
    (
        "idempot",
        "deep-dives/distributed-transaction.html#idempotent-consumers",
    ),
    (
        "quadtre",
        "components/geohashing-and-quadtrees.html#quadtrees",
    ),
    // other names (aliases)
    ("brewers theorem", "principles/cap-theorem.html"),
    (
        "cache stampede",
        "components/thundering-herd.html#in-caches-the-cache-stampede",
    ),
    ("failover", "principles/fail-over.html"),
    (
        "nines of availability",
        "principles/availability-in-numbers.html",
    ),
    (
        "scale out",
        "principles/vertical-and-horizontal-scaling.html",
    ),
    ("hadoop", "principles/hdfs.html"),
    ("ptr lookup", "components/reverse-dns.html"),
    ("lru", "components/cache-eviction-policies.html"),
    ("pub sub", "components/message-brokers.html"),
    ("esb", "components/enterprise-service-bus.html"),
    ("oidc", "components/openid-connect.html"),
    ("sso", "components/single-sign-on.html"),
    (
        "authn vs authz",
        "corem/authentication-vs-authorization.html",
    ),
    ("observability", "corem/measure.html"),
    // exact terms and several words
    (
        "cache stale data",
        "components/caching-strategies.html#cache-aside",
    ),
    ("active passive", "principles/fail-over.html#active-passive"),
    (
        "four nines",
        "principles/availability-in-numbers.html#four-nines-9999-",
    ),
    (
        "little's law",
        "principles/latency-vs-throughput.html#littles-law",
    ),
    (
        "raid 5 parity",
        "principles/raid.html#raid-5-striping-with-distributed-parity",
    ),
    ("object storage", "principles/volumes.html#object-storage"),
    (
        "recursive dns query",
        "components/dns-query-types.html#recursive",
    ),
    ("cname record", "components/dns-record-types.html#cname"),
    (
        "round robin",
        "components/load-balancer.html#routing-algorithms",
    ),
    (
        "single point of failure load balancer",
        "components/load-balancer.html#the-load-balancer-as-a-single-point-of-failure",
    ),
    ("pull cdn", "components/cdn.html#pull-cdns"),
    ("reverse proxy", "components/proxy.html#reverse-proxy"),
    (
        "write back cache",
        "components/caching-strategies.html#write-back",
    ),
    ("token bucket", "components/rate-limiting.html#token-bucket"),
    (
        "sliding window",
        "components/rate-limiting.html#sliding-window",
    ),
    (
        "geohash cell size",
        "components/geohashing-and-quadtrees.html#cell-size-per-length",
    ),
    (
        "dead letter queue",
        "components/message-queues.html#dead-letter-queues",
    ),
    (
        "saga pattern",
        "components/event-driven-architecture.html#sagas",
    ),
    (
        "cqrs",
        "components/event-driven-architecture.html#command-and-query-responsibility-segregation-cqrs",
    ),
    (
        "kafka partitions",
        "components/kafka.html#sizing-partitions",
    ),
    ("oauth", "components/oauth-2.html"),
    ("trade-off matrix", "corem/trade-off-matrix.html"),
    (
        "eventual consistency",
        "principles/consistency-patterns.html#eventual-consistency",
    ),
    (
        "master slave replication",
        "principles/replication.html#master-slave-replication",
    ),
    (
        "back of the envelope",
        "corem/constrain.html#back-of-the-envelope-estimates",
    ),
    (
        "hot warm cold cache",
        "components/cpu-cache.html#hot-warm-and-cold-caches",
    ),
    (
        "monolith vs microservices",
        "components/microservices-monolith-soa.html",
    ),
    // the deep dives
    (
        "two-phase commit",
        "deep-dives/distributed-transaction.html#two-phase-commit-2pc",
    ),
    (
        "saga compensating transaction",
        "deep-dives/distributed-transaction.html#sagas",
    ),
    (
        "transactional outbox",
        "deep-dives/distributed-transaction.html#the-transactional-outbox",
    ),
    (
        "snowflake id",
        "deep-dives/id-generator.html#the-snowflake-layout",
    ),
    ("bloom filter", "foundations/bloom-filters.html"),
    (
        "consistent hashing",
        "deep-dives/sharding.html#consistent-hashing",
    ),
    (
        "shard key",
        "deep-dives/sharding.html#choosing-the-shard-key",
    ),
    (
        "optimistic locking",
        "deep-dives/concurrency-control.html#3-optimistic-concurrency-control",
    ),
    (
        "mvcc isolation",
        "deep-dives/concurrency-control.html#4-isolation-levels-and-mvcc",
    ),
    ("lambda architecture", "deep-dives/lambda-architecture.html"),
    (
        "kappa",
        "deep-dives/lambda-architecture.html#kappa-one-pipeline-instead-of-two",
    ),
    (
        "full jitter",
        "deep-dives/exponential-backoff-in-depth.html#jitter-variants",
    ),
    (
        "retry budget",
        "deep-dives/exponential-backoff-in-depth.html#retry-budgets",
    ),
    (
        "tail based sampling",
        "deep-dives/sampling.html#tail-based-sampling",
    ),
    ("error budget", "deep-dives/monitoring.html#error-budgets"),
    (
        "inverted index",
        "deep-dives/full-text-search.html#the-inverted-index",
    ),
    (
        "strangler fig",
        "deep-dives/microservice-monolith-soa-event-driven.html#migrating-the-strangler-fig-pattern",
    ),
    // quoted phrases
    (
        "\"last writer wins\"",
        "deep-dives/conflict-resolution.html",
    ),
    (
        "\"cache aside\"",
        "components/caching-strategies.html#cache-aside",
    ),
    // foundations (issue 21)
    (
        "leader election",
        "foundations/consensus-and-leader-election.html",
    ),
    (
        "gossip protocol",
        "foundations/gossip-and-failure-detection.html",
    ),
    ("write ahead log", "foundations/write-ahead-logging.html"),
    ("lamport", "foundations/logical-clocks.html#lamport-clocks"),
    ("cdc", "foundations/change-data-capture-and-outbox.html"),
    (
        "bloom filter false positive",
        "foundations/bloom-filters.html#false-positive-rate",
    ),
    (
        "merkle tree",
        "foundations/anti-entropy-and-merkle-trees.html",
    ),
    (
        "vector clock",
        "foundations/logical-clocks.html#vector-clocks",
    ),
    ("lsm compaction", "foundations/b-trees-and-lsm-trees.html"),
    ("latency numbers", "foundations/latency-numbers.html"),
    (
        "raft",
        "foundations/consensus-and-leader-election.html#raft",
    ),
    (
        "fencing token",
        "foundations/consensus-and-leader-election.html#split-brain-and-fencing-tokens",
    ),
    (
        "hinted handoff",
        "foundations/quorums.html#sloppy-quorums-and-hinted-handoff",
    ),
    ("read repair", "foundations/quorums.html#read-repair"),
    (
        "phi accrual",
        "foundations/gossip-and-failure-detection.html#phi-accrual-failure-detector",
    ),
    ("swim", "foundations/gossip-and-failure-detection.html#swim"),
    (
        "group commit",
        "foundations/write-ahead-logging.html#group-commit",
    ),
    (
        "hybrid logical clock",
        "foundations/logical-clocks.html#hybrid-logical-clocks",
    ),
    (
        "truetime commit wait",
        "foundations/logical-clocks.html#truetime-and-commit-wait",
    ),
    (
        "leveled compaction",
        "foundations/b-trees-and-lsm-trees.html#leveled",
    ),
    ("hyperloglog", "foundations/bloom-filters.html#hyperloglog"),
    (
        "dual write",
        "foundations/change-data-capture-and-outbox.html#the-dual-write-problem",
    ),
    (
        "capacity estimation",
        "foundations/back-of-the-envelope-estimation.html",
    ),
    (
        "paxos",
        "foundations/consensus-and-leader-election.html#paxos-in-outline",
    ),
    (
        "vectr clock",
        "foundations/logical-clocks.html#vector-clocks",
    ),
    // design problems (issue 21)
    ("worked design problems", "design-problems/index.html"),
    ("url shortener", "design-problems/url-shortener.html"),
    ("news feed fan out", "design-problems/news-feed.html"),
    (
        "celebrity fan out",
        "design-problems/news-feed.html#scaling-the-celebrity-problem-and-the-hybrid",
    ),
    (
        "chat message ordering",
        "design-problems/chat-system.html#ordering-one-sequencer-per-conversation",
    ),
    (
        "distributed rate limiter",
        "design-problems/distributed-rate-limiter.html",
    ),
    (
        "web crawler politeness",
        "design-problems/web-crawler.html#politeness-and-robotstxt",
    ),
    (
        "payment ledger double entry",
        "design-problems/payment-ledger.html",
    ),
    (
        "ledger reconciliation",
        "design-problems/payment-ledger.html#reconciliation",
    ),
    (
        "ride hailing dispatch",
        "design-problems/ride-hailing-dispatch.html",
    ),
];

#[test]
fn handbook_queries_rank_their_section_in_the_top_three() {
    assert!(QUERIES.len() >= 30);
    let (dir, site) = support::build_into_temp(&support::repo(), None);
    let file = dir.path().join("queries.json");
    std::fs::write(&file, serde_json::to_string(QUERIES).expect("json")).expect("write queries");
    let out = support::run_browser_script(
        "search-quality.mjs",
        &[
            site.to_str().expect("utf-8 path"),
            file.to_str().expect("utf-8 path"),
        ],
    );
    let line = out
        .lines()
        .find(|l| l.starts_with('['))
        .expect("the script prints the results as JSON");
    let top: Vec<Vec<String>> = serde_json::from_str(line).expect("results JSON");
    let mut misses = Vec::new();
    for ((query, want), got) in QUERIES.iter().zip(&top) {
        if !got.iter().any(|u| u == want) {
            misses.push(format!("  “{query}”: want {want}, got {got:?}"));
        }
    }
    let hits = QUERIES.len() - misses.len();
    let rate = hits as f64 * 100.0 / QUERIES.len() as f64;
    eprintln!(
        "search quality: {hits}/{} queries rank their section in the top 3 ({rate:.1} %)",
        QUERIES.len()
    );
    for m in &misses {
        eprintln!("{m}");
    }
    assert!(
        rate >= 95.0,
        "hit rate {rate:.1} % is under 95 %:\n{}",
        misses.join("\n")
    );
}
