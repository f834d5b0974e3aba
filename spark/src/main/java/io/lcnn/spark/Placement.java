package io.lcnn.spark;

import io.lcnn.auditor.runtime.Device;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;

/**
 * Where a Spark task runs ONNX Runtime: on the GPU Spark assigned to it
 * ({@code spark.task.resource.gpu.amount}, the first address of its {@code gpu} resource) when
 * the audit asks for CUDA ({@code --device cuda|auto}); else on the CPU, and when CUDA was asked
 * for without a GPU assigned, with one notice per executor JVM.
 *
 * @param device {@code cpu}, {@code cuda} or {@code auto}
 * @param cudaDevice the CUDA ordinal of the assigned GPU (0 when none)
 */
public record Placement(String device, int cudaDevice) {
  private static final AtomicBoolean NOTICED = new AtomicBoolean();

  /** The placement of the running task for the requested device. */
  public static Placement of(TaskContext task, Device requested) {
    if (requested == Device.CPU) {
      return new Placement("cpu", 0);
    }
    Map<String, ResourceInformation> resources = task == null ? Map.of() : task.resourcesJMap();
    ResourceInformation gpu = resources.get("gpu");
    if (gpu != null && gpu.addresses().length > 0) {
      return new Placement(requested.name().toLowerCase(Locale.ROOT), Integer.parseInt(gpu.addresses()[0].trim()));
    }
    if (NOTICED.compareAndSet(false, true)) {
      System.err.println("notice: Spark assigned this task no GPU (set spark.task.resource.gpu.amount); running on CPU");
    }
    return new Placement("cpu", 0);
  }
}
