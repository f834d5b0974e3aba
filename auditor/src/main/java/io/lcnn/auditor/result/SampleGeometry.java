package io.lcnn.auditor.result;

/**
 * Geometry of the loss f(x) = CE(model(x), y) at one sample. Norms are l2 norms over the whole
 * input tensor.
 *
 * @param index position of the sample in its split's input file
 * @param label true class
 * @param prediction argmax of the model output
 * @param loss f(x) in nats
 * @param gradNorm ‖∇ₓf(x)‖₂
 * @param hessianSpectralNorm ‖∇²ₓf(x)‖₂, the largest |eigenvalue|
 * @param hessianTopEigenvalue the signed eigenvalue of largest magnitude
 * @param curvature C_f(x) = hessianSpectralNorm / (gradNorm + ε)
 * @param eigenIterations HVP iterations the eigen-solver used
 * @param eigenResidual ‖Hv − λv‖ / |λ| at the returned eigenpair
 */
public record SampleGeometry(
    int index,
    int label,
    int prediction,
    double loss,
    double gradNorm,
    double hessianSpectralNorm,
    double hessianTopEigenvalue,
    double curvature,
    int eigenIterations,
    double eigenResidual) {}
