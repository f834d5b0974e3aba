package io.lcnn.auditor.runtime;

import java.util.Locale;

/** Where ONNX Runtime should run: the CPU, the CUDA provider, or CUDA when usable else CPU. */
public enum Device {
  CPU,
  CUDA,
  AUTO;

  /** Parses {@code cpu|cuda|auto}, case-insensitive. */
  public static Device parse(String s) {
    try {
      return valueOf(s.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--device must be cpu, cuda or auto, not '" + s + "'");
    }
  }
}
