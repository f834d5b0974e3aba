#!/usr/bin/python3
"""Writes fixtures/op-corpus: small ONNX classifiers, one per op or exporter pattern, with float64
PyTorch references (per-sample cross-entropy gradient w.r.t. the input and H·v for a probe v).

Run with Debian's python3 (torch 1.13, onnx 1.12):  /usr/bin/python3 tools/op-corpus/make_op_corpus.py
Models exported by torch.onnx.export keep the run-time shape arithmetic (constant folding off
unless the case says otherwise); ops and opsets torch 1.13 cannot export (Gelu-20, Mish-18,
GroupNormalization-18/21, opset-18+ input forms, If/Loop) are written node by node with
onnx.helper from the weights of the same torch module, so one float64 torch function is the
reference for both.
"""
import copy
import io
import json
import os
import sys

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F
from onnx import TensorProto, helper, numpy_helper

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
OUT = os.path.join(ROOT, "fixtures", "op-corpus")
BATCH = 4
CASES = []


def case(fn):
    CASES.append(fn)
    return fn


def export(module, shape, opset, folding=False):
    """The module exported with a dynamic batch axis (input 'x', output 'logits')."""
    f = io.BytesIO()
    module = module.eval()
    torch.onnx.export(module, torch.rand(2, *shape), f, opset_version=opset, input_names=["x"],
                      output_names=["logits"], dynamic_axes={"x": {0: "batch"}, "logits": {0: "batch"}},
                      do_constant_folding=folding)
    return onnx.load_from_string(f.getvalue())


def write(name, model, fn64, shape, classes, what, expect="exact"):
    """Saves model.onnx, inputs/labels/probe and the float64 references of one case."""
    d = os.path.join(OUT, name)
    os.makedirs(d, exist_ok=True)
    onnx.save(model, os.path.join(d, "model.onnx"))
    g = torch.Generator().manual_seed(sum(map(ord, name)))
    x32 = torch.rand(BATCH, *shape, generator=g)
    labels = torch.randint(0, classes, (BATCH,), generator=g)
    v32 = torch.randn(BATCH, *shape, generator=g)
    v32 = v32 / v32.flatten(1).norm(dim=1).view(-1, *([1] * len(shape)))
    ref = {"what": what, "expect": expect, "opset": [o.version for o in model.opset_import if o.domain in ("", "ai.onnx")][0]}
    if fn64 is not None:
        x = x32.double().requires_grad_(True)
        logits = fn64(x)
        loss = F.cross_entropy(logits, labels, reduction="none")
        (grad,) = torch.autograd.grad(loss.sum(), x, create_graph=True)
        (hv,) = torch.autograd.grad((grad * v32.double()).sum(), x, allow_unused=True)
        if hv is None:
            hv = torch.zeros_like(x)
        np.save(os.path.join(d, "grads.npy"), grad.detach().float().numpy())
        np.save(os.path.join(d, "hvp_probe.npy"), hv.detach().float().numpy())
        ref["loss"] = loss.detach().tolist()
        ref["outputs"] = logits.detach().tolist()
    np.save(os.path.join(d, "inputs.npy"), x32.numpy())
    np.save(os.path.join(d, "labels.npy"), labels.numpy().astype(np.int64))
    np.save(os.path.join(d, "probe.npy"), v32.numpy())
    with open(os.path.join(d, "reference.json"), "w") as f:
        json.dump(ref, f, indent=1)
    print(f"{name}: {what} ({expect})")


def torch_case(name, module, shape, classes, opset, what, folding=False):
    """Exports the module after a deterministic re-initialization (seeded by the case name):
    weights ~ U(±1/√fan_in), norm scales in [0.5, 1.5], biases in [−0.3, 0.3], batch-norm
    statistics away from 0/1, so that every parameter matters."""
    torch.manual_seed(sum(map(ord, name)))
    with torch.no_grad():
        for pname, p in module.named_parameters():
            if p.dim() > 1:
                bound = 1 / p[0].numel() ** 0.5
                p.uniform_(-bound, bound)
            elif pname.endswith("weight"):
                p.uniform_(0.5, 1.5)
            else:
                p.uniform_(-0.3, 0.3)
        for bname, buf in module.named_buffers():
            if bname.endswith("running_mean"):
                buf.uniform_(-0.2, 0.2)
            elif bname.endswith("running_var"):
                buf.uniform_(0.5, 1.5)
    model = export(module, shape, opset, folding)
    ref = copy.deepcopy(module).double().eval()
    write(name, model, lambda x: ref(x), shape, classes, what)


# ---------- exported by torch.onnx.export ----------

class PadNet(nn.Module):
    def __init__(self, mode):
        super().__init__()
        self.mode = mode
        self.conv = nn.Conv2d(3, 4, 3)
        self.fc = nn.Linear(4 * 7 * 5, 5)

    def forward(self, x):
        h = torch.tanh(self.conv(x))
        h = F.pad(h, (1, 0, 2, 1), mode=self.mode) if self.mode == "reflect" else F.pad(h, (1, 0, 2, 1))
        return self.fc(h.flatten(1))


@case
def pads():
    torch_case("pad_constant_runtime_opset11", PadNet("constant"), (3, 6, 6), 5, 11, "F.pad (constant) with pads computed in the graph")
    torch_case("pad_constant_runtime_opset17", PadNet("constant"), (3, 6, 6), 5, 17, "F.pad (constant) with pads computed in the graph")
    torch_case("pad_reflect_runtime_opset13", PadNet("reflect"), (3, 6, 6), 5, 13, "F.pad (reflect) with pads computed in the graph")


class Mha(nn.Module):
    def __init__(self, batch_first=True):
        super().__init__()
        self.batch_first = batch_first
        self.attn = nn.MultiheadAttention(8, 2, batch_first=batch_first)
        self.fc = nn.Linear(8, 4)

    def forward(self, x):
        if self.batch_first:
            h, _ = self.attn(x, x, x, need_weights=False)
        else:
            t = x.transpose(0, 1)
            h, _ = self.attn(t, t, t, need_weights=False)
            h = h.transpose(0, 1)
        return self.fc(torch.tanh(h).mean(1))


class InnerSoftmax(nn.Module):
    def __init__(self):
        super().__init__()
        self.inp = nn.Linear(8, 8)
        self.fc = nn.Linear(8, 4)

    def forward(self, x):
        h = self.inp(x)
        return self.fc((torch.softmax(h, dim=1) * h).sum(1))


class ManualAttention(nn.Module):
    """Heads split with run-time shapes; q·kᵀ as a MatMul of two activations (or an Einsum)."""

    def __init__(self, einsum):
        super().__init__()
        self.einsum = einsum
        self.qkv = nn.Linear(8, 24)
        self.fc = nn.Linear(8, 4)

    def forward(self, x):
        b, t, e = x.shape
        q, k, v = self.qkv(x).split(8, dim=-1)
        q, k, v = (z.reshape(b, t, 2, 4).transpose(1, 2) for z in (q, k, v))
        if self.einsum:
            a = torch.softmax(torch.einsum("bhqd,bhkd->bhqk", q, k) * 0.5, dim=-1)
            o = torch.einsum("bhqk,bhkd->bhqd", a, v)
        else:
            a = torch.softmax(q @ k.transpose(-2, -1) * 0.5 + torch.tanh(q[:, :, :, :1]), dim=-1)
            o = a @ v
        o = o.transpose(1, 2).reshape(b, t, e)
        return self.fc(o.mean(1))


@case
def attention():
    torch_case("mha_opset13", Mha(), (5, 8), 4, 13, "nn.MultiheadAttention (batch_first), run-time Slice/Reshape operands")
    torch_case("mha_opset17", Mha(), (5, 8), 4, 17, "nn.MultiheadAttention (batch_first), run-time Slice/Reshape operands")
    torch_case("mha_sequence_first_opset17", Mha(False), (5, 8), 4, 17,
               "nn.MultiheadAttention (sequence first): Reshape to (L, N·H, d) makes a non-batch axis batch-dependent")
    torch_case("softmax_inner_axis_opset11", InnerSoftmax(), (6, 8), 4, 11, "Softmax over axis 1 of [B, T, E] (opset 11 coercion)")
    torch_case("softmax_inner_axis_opset13", InnerSoftmax(), (6, 8), 4, 13, "Softmax over axis 1 of [B, T, E]")
    torch_case("attention_matmul_opset17", ManualAttention(False), (6, 8), 4, 17,
               "heads via run-time Reshape/Transpose, MatMul of activations with broadcasting, Softmax on the last axis")
    torch_case("attention_einsum_opset17", ManualAttention(True), (6, 8), 4, 17, "attention written with Einsum")


class Norms(nn.Module):
    def __init__(self, kind, approximate="none"):
        super().__init__()
        self.kind = kind
        self.approximate = approximate
        self.inp = nn.Linear(8, 8)
        self.norm = nn.LayerNorm(8)
        self.fc = nn.Linear(8, 4)

    def forward(self, x):
        h = self.norm(self.inp(x))
        h = F.gelu(h, approximate=self.approximate) if self.kind == "gelu" else F.mish(h) if self.kind == "mish" else torch.tanh(h)
        return self.fc(h.mean(1))


class ConvNorm(nn.Module):
    def __init__(self, kind):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        self.norm = nn.GroupNorm(2, 4) if kind == "group" else nn.InstanceNorm2d(4, affine=True)
        self.fc = nn.Linear(4 * 5 * 5, 3)

    def forward(self, x):
        return self.fc(F.softplus(self.norm(self.conv(x))).flatten(1))


@case
def normalization():
    torch_case("layernorm_fused_opset17", Norms("tanh"), (6, 8), 4, 17, "LayerNormalization-17 (fused)")
    torch_case("layernorm_decomposed_opset13", Norms("tanh"), (6, 8), 4, 13, "layer norm decomposed (ReduceMean, Sub, Pow, Sqrt, Div)")
    torch_case("gelu_erf_opset17", Norms("gelu"), (6, 8), 4, 17, "Gelu decomposed by the exporter (Erf)")
    torch_case("gelu_tanh_opset17", Norms("gelu", "tanh"), (6, 8), 4, 17, "Gelu tanh approximation decomposed (Tanh, Pow)")
    torch_case("mish_decomposed_opset17", Norms("mish"), (6, 8), 4, 17, "Mish decomposed (Softplus, Tanh, Mul)")
    torch_case("groupnorm_exported_opset17", ConvNorm("group"), (3, 5, 5), 3, 17, "nn.GroupNorm (Reshape, InstanceNormalization, Reshape)")
    torch_case("instancenorm_opset17", ConvNorm("instance"), (3, 5, 5), 3, 17, "InstanceNormalization with affine")


class Copies(nn.Module):
    def __init__(self):
        super().__init__()
        self.inp = nn.Linear(6, 8)
        self.fc = nn.Linear(3 * 8 * 2 + 3 + 2 + 1, 4)

    def forward(self, x):
        h = torch.tanh(self.inp(x))                      # [B, 8]
        e = h.unsqueeze(1).expand(-1, 3, -1)             # Expand with a run-time shape
        t = e.repeat(1, 1, 2)                            # Tile
        g1 = h[:, [2, 0, 5]]                             # Gather, constant indices
        idx = h.argsort(dim=1)[:, :2]                    # indices that depend on the input
        g2 = torch.gather(h, 1, idx)                     # GatherElements on activations
        g3 = h[:, h.shape[1] - 1].unsqueeze(1)           # Gather with a run-time index
        return self.fc(torch.cat([t.flatten(1), g1, g2, g3], 1))


class Splits(nn.Module):
    def __init__(self):
        super().__init__()
        self.inp = nn.Linear(6, 8)
        self.fc = nn.Linear(8, 4)

    def forward(self, x):
        h = torch.tanh(self.inp(x))
        a, b = h.split([3, 5], dim=1)
        c, d = h.split(h.shape[1] // 2, dim=1)
        return self.fc(torch.cat([b * b, a], 1) + torch.cat([d, c], 1))


class Resizes(nn.Module):
    def __init__(self, mode, align=None, size=None):
        super().__init__()
        self.mode, self.align, self.size = mode, align, size
        self.conv = nn.Conv2d(2, 3, 3, padding=1)
        out = size if size else (8, 8)
        self.fc = nn.Linear(3 * out[0] * out[1], 3)

    def forward(self, x):
        h = torch.tanh(self.conv(x))
        if self.size:
            h = F.interpolate(h, size=self.size, mode=self.mode, align_corners=self.align)
        else:
            h = F.interpolate(h, scale_factor=2, mode=self.mode, align_corners=self.align)
        return self.fc(h.flatten(1))


class Reductions(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(2, 4, 3, padding=1)
        self.fc = nn.Linear(4 * 4, 3)

    def forward(self, x):
        h = torch.tanh(self.conv(x))
        a = torch.norm(h, dim=(2, 3))
        b = h.amax(dim=(2, 3))
        c = torch.maximum(h, h.flip(3)).mean((2, 3))
        d = torch.where(h > h.mean((2, 3), keepdim=True), h * h, -h).mean((2, 3)) + torch.minimum(h, 0.2 * h).sum((2, 3))
        return self.fc(torch.cat([a, b, c, d], 1))


class ZeroGrad(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(6, 3)
        self.b = nn.Linear(6, 3)

    def forward(self, x):
        q = torch.round(x * 4) / 4 + torch.floor(x * 3) + torch.sign(x - 0.5)
        return self.a(torch.tanh(x)) + self.b(q)


@case
def copies_and_reductions():
    torch_case("expand_tile_gather_opset17", Copies(), (6,), 4, 17,
               "Expand (run-time shape), Tile, Gather (constant and run-time index), GatherElements with input-dependent indices")
    torch_case("split_runtime_opset13", Splits(), (6,), 4, 13, "Split with constant sizes and with sizes from the shape")
    torch_case("resize_nearest_opset13", Resizes("nearest"), (2, 4, 4), 3, 13, "Resize nearest, scale 2")
    torch_case("upsample_nearest_opset09", Resizes("nearest"), (2, 4, 4), 3, 9, "Upsample-9 nearest (rewritten to Resize)")
    torch_case("resize_nearest_opset10", Resizes("nearest"), (2, 4, 4), 3, 10, "Resize-10 nearest (rewritten to Resize-11+)")
    torch_case("resize_bilinear_opset13", Resizes("bilinear", False), (2, 4, 4), 3, 13, "Resize linear, half_pixel")
    torch_case("resize_bilinear_align_opset11", Resizes("bilinear", True), (2, 4, 4), 3, 11, "Resize linear, align_corners")
    torch_case("resize_bilinear_size_opset17", Resizes("bilinear", False, (7, 5)), (2, 4, 4), 3, 17, "Resize linear to a size (7, 5)")
    torch_case("reductions_minmax_where_opset13", Reductions(), (2, 4, 4), 3, 13,
               "ReduceL2, ReduceMax, Max/Min of activations, Where with an input-dependent condition")
    torch_case("reductions_minmax_where_opset17", Reductions(), (2, 4, 4), 3, 17,
               "ReduceL2, ReduceMax, Max/Min of activations, Where with an input-dependent condition")
    torch_case("sign_floor_round_opset13", ZeroGrad(), (6,), 3, 13, "Sign, Floor, Round: zero-gradient branches")


class SmallCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        self.bn = nn.BatchNorm2d(4)
        self.conv2 = nn.Conv2d(4, 4, 3, stride=2)
        self.fc = nn.Linear(4 * 2 * 2, 3)

    def forward(self, x):
        h = F.softplus(self.bn(self.conv(x)), beta=2)
        h = F.max_pool2d(h, 2, ceil_mode=False)
        h = torch.sigmoid(self.conv2(F.pad(h, (1, 1, 1, 1))))
        return self.fc(h.flatten(1))


class CeilPool(nn.Module):
    def __init__(self, padding):
        super().__init__()
        self.padding = padding
        self.conv = nn.Conv2d(2, 3, 3, padding=1)
        self.fc = nn.Linear(3 * (4 if padding else 3) ** 2, 3)

    def forward(self, x):
        h = torch.tanh(self.conv(x))
        h = F.avg_pool2d(h, 3, stride=2, padding=self.padding, ceil_mode=True, count_include_pad=False)
        return self.fc(h.flatten(1))


@case
def ceil_mode_pools():
    torch_case("avgpool_ceil_opset13", CeilPool(0), (2, 6, 6), 3, 13, "AveragePool ceil_mode: the last window runs past the input")
    torch_case("avgpool_ceil_pad_exclude_opset17", CeilPool(1), (2, 6, 6), 3, 17,
               "AveragePool ceil_mode, padding 1, count_include_pad=0")


@case
def opsets():
    for opset in (9, 10, 11, 12, 13, 14, 15, 16, 17):
        torch_case(f"cnn_opset{opset:02d}", SmallCnn(), (3, 8, 8), 3, opset, "Conv, BatchNorm, Softplus, MaxPool, Pad, Sigmoid, Gemm")


# ---------- written node by node ----------

def init(name, array):
    return numpy_helper.from_array(np.asarray(array, dtype=np.float32), name)


def make(nodes, inits, shape, classes, opset, name="g"):
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", *shape])
    y = helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", classes])
    graph = helper.make_graph(nodes, name, [x], [y], inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], ir_version=8 if opset < 19 else 9)


def linear_weights(seed, n_in, n_out):
    g = torch.Generator().manual_seed(seed)
    w = (torch.rand(n_out, n_in, generator=g) - 0.5) * (2 / n_in ** 0.5)
    b = (torch.rand(n_out, generator=g) - 0.5) * 0.2
    return w, b


def dense_head(prefix, h, n_in, classes, seed):
    """Gemm from h [B, n_in] to logits, its initializers, and the float64 torch version."""
    w, b = linear_weights(seed, n_in, classes)
    node = helper.make_node("Gemm", [h, prefix + "w", prefix + "b"], ["logits"], transB=1)
    return node, [init(prefix + "w", w), init(prefix + "b", b)], lambda t: t @ w.double().T + b.double()


@case
def gelu_mish_opset20():
    w, b = linear_weights(11, 6, 8)
    for approx in ("none", "tanh"):
        head, hinit, h64 = dense_head("o", "act", 8, 4, 12)
        nodes = [helper.make_node("Gemm", ["x", "w", "b"], ["h"], transB=1),
                 helper.make_node("Gelu", ["h"], ["act"], approximate=approx), head]
        model = make(nodes, [init("w", w), init("b", b)] + hinit, (6,), 4, 20)
        write(f"gelu_{approx}_opset20", model,
              lambda x, a=approx: h64(F.gelu(x @ w.double().T + b.double(), approximate=a)), (6,), 4,
              f"Gelu-20 approximate={approx}")
    head, hinit, h64 = dense_head("o", "act", 8, 4, 13)
    nodes = [helper.make_node("Gemm", ["x", "w", "b"], ["h"], transB=1), helper.make_node("Mish", ["h"], ["act"]), head]
    write("mish_opset18", make(nodes, [init("w", w), init("b", b)] + hinit, (6,), 4, 18),
          lambda x: h64(F.mish(x @ w.double().T + b.double())), (6,), 4, "Mish-18")


@case
def normalization_opset18_21():
    g = torch.Generator().manual_seed(21)
    conv_w = (torch.rand(4, 3, 3, 3, generator=g) - 0.5) * 0.6
    gamma_c = torch.rand(4, generator=g) + 0.5
    beta_c = torch.rand(4, generator=g) - 0.5
    gamma_g = torch.rand(2, generator=g) + 0.5
    beta_g = torch.rand(2, generator=g) - 0.5
    ln_s = torch.rand(6, generator=g) + 0.5
    ln_b = torch.rand(6, generator=g) - 0.5
    for opset, per_channel in ((18, False), (21, True)):
        gam, bet = (gamma_c, beta_c) if per_channel else (gamma_g, beta_g)
        head, hinit, h64 = dense_head("o", "flat", 4 * 5 * 5, 3, 22)
        nodes = [helper.make_node("Conv", ["x", "cw"], ["c"], pads=[1, 1, 1, 1]),
                 helper.make_node("GroupNormalization", ["c", "gs", "gb"], ["n"], num_groups=2, epsilon=1e-5),
                 helper.make_node("Softplus", ["n"], ["a"]), helper.make_node("Flatten", ["a"], ["flat"]), head]
        model = make(nodes, [init("cw", conv_w), init("gs", gam), init("gb", bet)] + hinit, (3, 5, 5), 3, opset)
        wc = gam.double().repeat_interleave(1 if per_channel else 2)
        bc = bet.double().repeat_interleave(1 if per_channel else 2)
        write(f"groupnorm_opset{opset}", model,
              lambda x, wc=wc, bc=bc: h64(F.softplus(F.group_norm(F.conv2d(x, conv_w.double(), padding=1), 2, wc, bc, 1e-5)).flatten(1)),
              (3, 5, 5), 3, f"GroupNormalization-{opset} (scale per {'channel' if per_channel else 'group'})")
    head, hinit, h64 = dense_head("o", "m", 6, 3, 23)
    axes = numpy_helper.from_array(np.array([1], dtype=np.int64), "axes")
    nodes = [helper.make_node("LayerNormalization", ["x", "ls", "lb"], ["n"], axis=-1, epsilon=1e-5),
             helper.make_node("Tanh", ["n"], ["t"]),
             helper.make_node("ReduceMean", ["t", "axes"], ["m"], keepdims=0), head]
    model = make(nodes, [init("ls", ln_s), init("lb", ln_b), axes] + hinit, (5, 6), 3, 21)
    write("layernorm_reducemean_axes_input_opset21", model,
          lambda x: h64(torch.tanh(F.layer_norm(x, (6,), ln_s.double(), ln_b.double(), 1e-5)).mean(1)), (5, 6), 3,
          "LayerNormalization and ReduceMean with axes as an input (opset 21)")


@case
def pad_wrap_opset19():
    g = torch.Generator().manual_seed(81)
    conv_w = (torch.rand(3, 2, 3, 3, generator=g) - 0.5) * 0.6
    head, hinit, h64 = dense_head("o", "flat", 3 * 6 * 6, 3, 82)
    pads = numpy_helper.from_array(np.array([0, 0, 1, 1, 0, 0, 1, 1], dtype=np.int64), "pads")
    for mode, torch_mode in (("wrap", "circular"), ("edge", "replicate")):
        nodes = [helper.make_node("Conv", ["x", "cw"], ["c"]), helper.make_node("Tanh", ["c"], ["t"]),
                 helper.make_node("Pad", ["t", "pads"], ["p"], mode=mode), helper.make_node("Mul", ["p", "p"], ["pp"]),
                 helper.make_node("Flatten", ["pp"], ["flat"]), head]
        model = make(nodes, [init("cw", conv_w), pads] + hinit, (2, 6, 6), 3, 19)
        write(f"pad_{mode}_opset19", model,
              lambda x, m=torch_mode: h64((F.pad(torch.tanh(F.conv2d(x, conv_w.double())), (1, 1, 1, 1), mode=m) ** 2).flatten(1)),
              (2, 6, 6), 3, f"Pad-19 mode={mode}")


@case
def runtime_split_and_slice():
    """Split sizes and Slice bounds computed from Shape → Gather → Div, as exporters write them."""
    w, b = linear_weights(31, 6, 8)
    head, hinit, h64 = dense_head("o", "cat", 8, 4, 32)
    i64 = lambda n, v: numpy_helper.from_array(np.array(v, dtype=np.int64), n)
    nodes = [helper.make_node("Gemm", ["x", "w", "b"], ["h"], transB=1), helper.make_node("Tanh", ["h"], ["t"]),
             helper.make_node("Shape", ["t"], ["shape"]),
             helper.make_node("Gather", ["shape", "one"], ["width"], axis=0),
             helper.make_node("Div", ["width", "four"], ["quarter"]),
             helper.make_node("Sub", ["width", "quarter"], ["rest"]),
             helper.make_node("Concat", ["quarter", "rest"], ["sizes"], axis=0),
             helper.make_node("Split", ["t", "sizes"], ["s1", "s2"], axis=1),
             helper.make_node("Gather", ["shape", "zero"], ["batch"], axis=0),
             helper.make_node("Slice", ["s2", "zero", "batch", "zero"], ["rows"]),
             helper.make_node("Mul", ["s1", "s1"], ["sq"]),
             helper.make_node("Concat", ["rows", "sq"], ["cat"], axis=1), head]
    inits = [init("w", w), init("b", b), i64("one", [1]), i64("zero", [0]), i64("four", [4])] + hinit
    def fn(x):
        t = torch.tanh(x @ w.double().T + b.double())
        return h64(torch.cat([t[:, 2:], t[:, :2] ** 2], 1))
    write("split_slice_runtime_opset13", make(nodes, inits, (6,), 4, 13), fn, (6,), 4,
          "Split sizes from Shape/Gather/Div; Slice whose end is the run-time batch size (along the batch axis)")
    nodes18 = [n for n in nodes if n.op_type != "Split"]
    nodes18.insert(2, helper.make_node("Split", ["t"], ["s1", "s2"], axis=1, num_outputs=2))
    def fn18(x):
        t = torch.tanh(x @ w.double().T + b.double())
        return h64(torch.cat([t[:, 4:], t[:, :4] ** 2], 1))
    write("split_num_outputs_opset18", make(nodes18, inits, (6,), 4, 18), fn18, (6,), 4, "Split-18 with num_outputs")


@case
def batch_dependent_operands():
    """Pad, Tile and Slice whose operands change with the batch size: they cannot be folded, so
    the adjoints read the same run-time tensors. Samples stay independent (B enters as a number)."""
    w, b = linear_weights(61, 6, 8)
    head, hinit, h64 = dense_head("o", "z", 8, 4, 62)
    i64 = lambda n, v: numpy_helper.from_array(np.array(v, dtype=np.int64), n)
    nodes = [helper.make_node("Gemm", ["x", "w", "b"], ["h"], transB=1), helper.make_node("Tanh", ["h"], ["t"]),
             helper.make_node("Shape", ["t"], ["shape"]),
             helper.make_node("Slice", ["shape", "zero", "one"], ["batch"]),
             helper.make_node("Concat", ["zero_one", "zero", "batch"], ["pads"], axis=0),
             helper.make_node("Pad", ["t", "pads"], ["p"]),                           # [B, 1 + 8 + B]
             helper.make_node("Mul", ["p", "p"], ["pp"]),
             helper.make_node("ReduceSum", ["pp", "one"], ["s1"], keepdims=1),
             helper.make_node("Concat", ["one", "batch"], ["reps"], axis=0),
             helper.make_node("Tile", ["t", "reps"], ["tiled"]),                      # [B, 8B]
             helper.make_node("Mul", ["tiled", "tiled"], ["tt"]),
             helper.make_node("ReduceSum", ["tt", "one"], ["s2"], keepdims=1),
             helper.make_node("Slice", ["p", "zero", "batch", "one"], ["first"]),    # [B, B]
             helper.make_node("ReduceSum", ["first", "one"], ["s3"], keepdims=1),
             helper.make_node("Add", ["s1", "s2"], ["s12"]), helper.make_node("Add", ["s12", "s3"], ["s"]),
             helper.make_node("Mul", ["t", "s"], ["z"]), head]
    inits = [init("w", w), init("b", b), i64("zero", [0]), i64("one", [1]), i64("zero_one", [0, 1])] + hinit
    def fn(x):
        t = torch.tanh(x @ w.double().T + b.double())
        bsz = x.shape[0]
        s = (t * t).sum(1, keepdim=True) * (1 + bsz) + t[:, :bsz - 1].sum(1, keepdim=True)
        return h64(t * s)
    write("pad_tile_slice_batch_dependent_opset13", make(nodes, inits, (6,), 4, 13), fn, (6,), 4,
          "Pad, Tile and Slice whose pads/repeats/ends are the run-time batch size (not foldable)")


@case
def clip_range_constantofshape():
    """Gather indices from Range, Clip bounds and a ConstantOfShape factor, all computed from Shape."""
    w, b = linear_weights(91, 6, 8)
    head, hinit, h64 = dense_head("o", "m", 4, 3, 92)
    i64 = lambda n, v: numpy_helper.from_array(np.array(v, dtype=np.int64), n)
    two = helper.make_tensor("two", TensorProto.FLOAT, [1], [2.0])
    nodes = [helper.make_node("Gemm", ["x", "w", "b"], ["h"], transB=1), helper.make_node("Tanh", ["h"], ["t"]),
             helper.make_node("Shape", ["t"], ["shape"]),
             helper.make_node("Gather", ["shape", "one"], ["width"], axis=0),
             helper.make_node("Range", ["one", "width", "two_i"], ["idx"]),
             helper.make_node("Gather", ["t", "idx"], ["g"], axis=1),
             helper.make_node("Cast", ["width"], ["wf"], to=TensorProto.FLOAT),
             helper.make_node("Div", ["wf", "minus16"], ["lo"]), helper.make_node("Div", ["wf", "plus16"], ["hi"]),
             helper.make_node("Clip", ["g", "lo", "hi"], ["c"]),
             helper.make_node("Shape", ["c"], ["cshape"]),
             helper.make_node("Slice", ["cshape", "one_1d", "two_1d"], ["cwidth"]),
             helper.make_node("Concat", ["one_1d", "cwidth"], ["fshape"], axis=0),
             helper.make_node("ConstantOfShape", ["fshape"], ["factor"], value=two),
             helper.make_node("Mul", ["c", "factor"], ["m"]), head]
    inits = [init("w", w), init("b", b), i64("one", 1), i64("two_i", 2), i64("one_1d", [1]), i64("two_1d", [2]),
             init("minus16", -16.0), init("plus16", 16.0)] + hinit
    def fn(x):
        t = torch.tanh(x @ w.double().T + b.double())
        return h64(t[:, 1::2].clamp(-0.5, 0.5) * 2)
    write("clip_range_constantofshape_opset13", make(nodes, inits, (6,), 3, 13), fn, (6,), 3,
          "Gather indices from Range, Clip bounds and a ConstantOfShape factor computed from Shape")


@case
def reductions_opset18():
    g = torch.Generator().manual_seed(71)
    conv_w = (torch.rand(4, 2, 3, 3, generator=g) - 0.5) * 0.6
    head, hinit, h64 = dense_head("o", "cat", 8, 3, 72)
    axes = numpy_helper.from_array(np.array([2, 3], dtype=np.int64), "axes")
    nodes = [helper.make_node("Conv", ["x", "cw"], ["c"], pads=[1, 1, 1, 1]), helper.make_node("Tanh", ["c"], ["t"]),
             helper.make_node("ReduceL2", ["t", "axes"], ["l2"], keepdims=0),
             helper.make_node("ReduceMax", ["t", "axes"], ["mx"], keepdims=0),
             helper.make_node("Concat", ["l2", "mx"], ["cat"], axis=1), head]
    model = make(nodes, [init("cw", conv_w), axes] + hinit, (2, 4, 4), 3, 18)
    def fn(x):
        t = torch.tanh(F.conv2d(x, conv_w.double(), padding=1))
        return h64(torch.cat([t.flatten(2).norm(dim=2), t.amax(dim=(2, 3))], 1))
    write("reducel2_reducemax_opset18", model, fn, (2, 4, 4), 3, "ReduceL2 and ReduceMax with axes as an input (opset 18)")


@case
def quantize_dequantize():
    w, b = linear_weights(41, 6, 3)
    w2, b2 = linear_weights(42, 6, 3)
    nodes = [helper.make_node("QuantizeLinear", ["x", "qs", "qz"], ["q"]),
             helper.make_node("DequantizeLinear", ["q", "qs", "qz"], ["dq"]),
             helper.make_node("Gemm", ["dq", "w2", "b2"], ["a"], transB=1),
             helper.make_node("Tanh", ["x"], ["t"]),
             helper.make_node("Gemm", ["t", "w", "b"], ["c"], transB=1),
             helper.make_node("Add", ["a", "c"], ["logits"])]
    inits = [init("w", w), init("b", b), init("w2", w2), init("b2", b2), init("qs", 0.05),
             numpy_helper.from_array(np.array(128, dtype=np.uint8), "qz")]
    def fn(x):
        q = torch.clamp(torch.round(x / 0.05) + 128, 0, 255)
        dq = (q - 128) * 0.05
        return dq @ w2.double().T + b2.double() + torch.tanh(x) @ w.double().T + b.double()
    write("quantize_dequantize_opset13", make(nodes, inits, (6,), 3, 13), fn, (6,), 3,
          "QuantizeLinear → DequantizeLinear branch (zero gradient) next to a Tanh branch")


def control_flow_model(kind):
    """Tanh(Gemm(x)) → [If/Loop whose body reads the outer 'h'] → Gemm: logits."""
    w, b = linear_weights(51, 6, 8)
    head, hinit, h64 = dense_head("o", "z", 8, 4, 52)
    two = init("two", 2.0)
    then_g = helper.make_graph([helper.make_node("Mul", ["h", "two"], ["tz"])], "then", [],
                               [helper.make_tensor_value_info("tz", TensorProto.FLOAT, None)])
    else_g = helper.make_graph([helper.make_node("Neg", ["h"], ["ez"])], "else", [],
                               [helper.make_tensor_value_info("ez", TensorProto.FLOAT, None)])
    nodes = [helper.make_node("Gemm", ["x", "w", "b"], ["pre"], transB=1), helper.make_node("Tanh", ["pre"], ["h"])]
    inits = [init("w", w), init("b", b), two] + hinit
    if kind == "if_shape_condition":
        nodes += [helper.make_node("Shape", ["h"], ["shape"]),
                  helper.make_node("Gather", ["shape", "one"], ["width"], axis=0),
                  helper.make_node("Greater", ["width", "three"], ["cond"])]
        inits += [numpy_helper.from_array(np.array(1, dtype=np.int64), "one"),
                  numpy_helper.from_array(np.array(3, dtype=np.int64), "three")]
        nodes.append(helper.make_node("If", ["cond"], ["z"], then_branch=then_g, else_branch=else_g))
    elif kind == "if_input_condition":
        nodes += [helper.make_node("ReduceSum", ["x"], ["total"], keepdims=0),
                  helper.make_node("Greater", ["total", "zero"], ["cond"])]
        inits.append(init("zero", 0.0))
        nodes.append(helper.make_node("If", ["cond"], ["z"], then_branch=then_g, else_branch=else_g))
    else:
        body = helper.make_graph(
            [helper.make_node("Identity", ["c_in"], ["c_out"]), helper.make_node("Add", ["acc", "h"], ["acc_out"])], "body",
            [helper.make_tensor_value_info("i", TensorProto.INT64, []), helper.make_tensor_value_info("c_in", TensorProto.BOOL, []),
             helper.make_tensor_value_info("acc", TensorProto.FLOAT, None)],
            [helper.make_tensor_value_info("c_out", TensorProto.BOOL, []), helper.make_tensor_value_info("acc_out", TensorProto.FLOAT, None)])
        inits += [numpy_helper.from_array(np.array(True), "yes"), init("zero", 0.0)]
        if kind == "loop":
            inits.append(numpy_helper.from_array(np.array(2, dtype=np.int64), "trips"))
        else:
            # trip count from the input's values: 2 for inputs in [0, 1)^6 (sum < 6 < 12), unknown before the input
            nodes += [helper.make_node("ReduceSum", ["x"], ["total"], keepdims=0),
                      helper.make_node("Less", ["total", "twelve"], ["small"]),
                      helper.make_node("Cast", ["small"], ["one_if_small"], to=TensorProto.INT64),
                      helper.make_node("Add", ["one_if_small", "one_trip"], ["trips"])]
            inits += [init("twelve", 12.0), numpy_helper.from_array(np.array(1, dtype=np.int64), "one_trip")]
        nodes += [helper.make_node("Mul", ["h", "zero"], ["start"]),
                  helper.make_node("Loop", ["trips", "yes", "start"], ["z"], body=body)]
    nodes.append(head)
    model = make(nodes, inits, (6,), 4, 13)
    return model, lambda x: h64(2 * torch.tanh(x @ w.double().T + b.double()))


@case
def control_flow_old_opset():
    """An opset-11 If whose taken branch holds opset-11 forms (Unsqueeze/Squeeze axes attributes,
    Softmax's 2-D coercion): the opset raise must rewrite the branch too."""
    w, b = linear_weights(53, 6, 8)
    head, hinit, h64 = dense_head("o", "z", 8, 4, 54)
    then_g = helper.make_graph([helper.make_node("Unsqueeze", ["h"], ["u"], axes=[1]),
                                helper.make_node("Softmax", ["u"], ["sm"], axis=1),
                                helper.make_node("Squeeze", ["sm"], ["sq"], axes=[1]),
                                helper.make_node("Mul", ["sq", "h"], ["tz"])], "then", [],
                               [helper.make_tensor_value_info("tz", TensorProto.FLOAT, None)])
    else_g = helper.make_graph([helper.make_node("Neg", ["h"], ["ez"])], "else", [],
                               [helper.make_tensor_value_info("ez", TensorProto.FLOAT, None)])
    nodes = [helper.make_node("Gemm", ["x", "w", "b"], ["pre"], transB=1), helper.make_node("Tanh", ["pre"], ["h"]),
             helper.make_node("Shape", ["h"], ["shape"]), helper.make_node("Gather", ["shape", "one"], ["width"], axis=0),
             helper.make_node("Greater", ["width", "three"], ["cond"]),
             helper.make_node("If", ["cond"], ["z"], then_branch=then_g, else_branch=else_g), head]
    inits = [init("w", w), init("b", b), numpy_helper.from_array(np.array(1, dtype=np.int64), "one"),
             numpy_helper.from_array(np.array(3, dtype=np.int64), "three")] + hinit
    def fn(x):
        h = torch.tanh(x @ w.double().T + b.double())
        return h64(torch.softmax(h, dim=-1) * h)
    write("if_old_forms_in_branch_opset11", make(nodes, inits, (6,), 4, 11), fn, (6,), 4,
          "opset-11 If taking a branch with Unsqueeze/Squeeze axes attributes and a coerced Softmax")


@case
def control_flow():
    m, fn = control_flow_model("if_shape_condition")
    write("if_shape_condition_capture_opset13", m, fn, (6,), 4,
          "If whose condition depends on shapes only; both branches read the outer-scope activation")
    m, fn = control_flow_model("if_input_condition")
    write("if_input_condition_capture_opset13", m, fn, (6,), 4,
          "If whose condition depends on the input; branches read the outer-scope activation", expect="refused")
    m, fn = control_flow_model("loop")
    write("loop_capture_opset13", m, fn, (6,), 4, "Loop of 2 trips whose body adds the outer-scope activation (unrolled)")
    m, fn = control_flow_model("loop_input_trips")
    write("loop_input_trip_count_capture_opset13", m, fn, (6,), 4,
          "Loop whose trip count depends on the input values; the body adds the outer-scope activation", expect="refused")


if __name__ == "__main__":
    only = set(sys.argv[1:])
    for c in CASES:
        if not only or c.__name__ in only:
            c()
