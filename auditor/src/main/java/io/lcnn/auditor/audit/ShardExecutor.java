package io.lcnn.auditor.audit;

import io.lcnn.auditor.attack.AttackProgress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/**
 * Runs the shards of an audit on parallel workers in one JVM: one thread per worker, each shard
 * on whichever worker's oracles (its own ONNX Runtime sessions) are free. The first failing
 * shard cancels the others and its exception is rethrown as it was thrown.
 */
public final class ShardExecutor {
  private final List<OracleSet> workers;

  /** @param workers one oracle set per worker (not shared between threads) */
  public ShardExecutor(List<OracleSet> workers) {
    if (workers.isEmpty()) {
      throw new IllegalArgumentException("at least one worker");
    }
    this.workers = List.copyOf(workers);
  }

  /**
   * Runs every shard; results in shard order.
   *
   * @param progress told the number of samples done (may be called from several threads)
   */
  public List<ShardResult> run(AuditPlan plan, List<Shard> shards, IntConsumer progress) {
    return run(plan, shards, progress, AttackProgress.NONE);
  }

  /**
   * Runs every shard; results in shard order.
   *
   * @param progress told the number of samples done (may be called from several threads)
   * @param attacks told each attack's steps (may be called from several threads)
   */
  public List<ShardResult> run(AuditPlan plan, List<Shard> shards, IntConsumer progress, AttackProgress attacks) {
    if (workers.size() == 1) {
      List<ShardResult> out = new ArrayList<>();
      for (Shard s : shards) {
        out.add(AuditShard.run(workers.get(0), plan, s, progress, attacks));
      }
      return out;
    }
    BlockingQueue<OracleSet> free = new ArrayBlockingQueue<>(workers.size(), false, workers);
    ExecutorService pool = Executors.newFixedThreadPool(workers.size(), r -> {
      Thread t = new Thread(r, "lcnn-audit-worker");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<ShardResult>> futures = new ArrayList<>();
      for (Shard s : shards) {
        futures.add(pool.submit(() -> {
          OracleSet w = free.take();
          try {
            return AuditShard.run(w, plan, s, progress, attacks);
          } finally {
            free.put(w);
          }
        }));
      }
      List<ShardResult> out = new ArrayList<>();
      for (Future<ShardResult> f : futures) {
        out.add(get(f));
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  private static ShardResult get(Future<ShardResult> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("audit interrupted", e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException r) {
        throw r;
      }
      if (c instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(c.getMessage(), c);
    }
  }
}
