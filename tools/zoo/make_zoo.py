"""Writes the exporter-zoo test corpus of the auditor (fixtures/zoo): small-width versions of every
torchvision classification family, exported with torch.onnx at opsets 11, 13 and 17, with and
without constant folding, with a dynamic and a fixed (1) batch axis; plus graphs written node by
node with onnx.helper the way tf2onnx (NHWC input, Transpose) and skl2onnx (int64 label and
probability outputs, ZipMap) lay them out. Each family gets float64 PyTorch references of the
per-sample cross-entropy loss, its input gradient, H*v for a unit probe v (double backprop) and the
Hessian spectral norm (float64 Lanczos with full reorthogonalization; checked against the full
Hessian on the flat-input family). Random init with a fixed seed, eval mode.

Usage (Debian's python3-torch 1.13, python3-torchvision 0.14, python3-onnx 1.12):

    /usr/bin/python3 tools/zoo/make_zoo.py [--out fixtures/zoo] [--families resnet,vit,...]
        [--samples 8] [--seed 0]

    /usr/bin/python3 tools/zoo/make_zoo.py --preprocessing fixtures/image-inputs  # raw.onnx and
        normalized.onnx: one small CNN without and with (x - mean)/std inside, for the image-folder test

    /usr/bin/python3 tools/zoo/make_zoo.py --resnet50 DIR   # one 224x224 ResNet-50 (random init),
        opset 17, dynamic batch, for the benchmark in docs/benchmarks.md; not committed

Writes OUT/manifest.json (one entry per model file: family, exporter, opset, folding, batch, ops;
joined from the families' OUT/<family>/models.json, so --families reruns replace only those),
OUT/<family>/reference/{inputs,labels,outputs,grads,probe,hvp_probe}.npy + reference.json, and
OUT/<family>/<variant>.onnx. An export that torch refuses is listed in the manifest with its
error instead of a file.
"""
import argparse, copy, functools, io, json, math, os, sys, warnings
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision.models as tvm
import importlib
import onnx
from onnx import helper, TensorProto, numpy_helper

warnings.filterwarnings('ignore')
torch.set_num_threads(max(1, os.cpu_count() or 1))
K = 10  # classes of every zoo model
OPSETS = (11, 13, 17)

# --------------------------------------------------------------------------------------------
# Small-width torchvision models
# --------------------------------------------------------------------------------------------

def resnet(block, layers, divisor=16, **kw):
    """torchvision ResNet with every width divided by `divisor` (stem, stages and fc)."""
    R = importlib.import_module('torchvision.models.resnet')

    class SmallResNet(R.ResNet):
        shrunk = False

        def _make_layer(self, block, planes, blocks, stride=1, dilate=False):
            if not self.shrunk:
                self.inplanes //= divisor
                self.shrunk = True
            return super()._make_layer(block, planes // divisor, blocks, stride, dilate)

    m = SmallResNet(block, layers, num_classes=K, **kw)
    m.conv1 = nn.Conv2d(3, 64 // divisor, kernel_size=7, stride=2, padding=3, bias=False)
    m.bn1 = nn.BatchNorm2d(64 // divisor)
    m.fc = nn.Linear(512 * block.expansion // divisor, K)
    return m


def scaled_conv(base, divisor):
    """A conv-block factory that builds `base` with both channel counts divided by `divisor`
    (the RGB input stays 3), so a torchvision net built from it keeps its layout at a small width."""
    def make(cin, cout, **kw):
        return base(cin if cin == 3 else cin // divisor, cout // divisor, **kw)
    return make


def googlenet():
    G = importlib.import_module('torchvision.models.googlenet')
    conv = scaled_conv(G.BasicConv2d, 8)
    m = G.GoogLeNet(num_classes=K, aux_logits=False, init_weights=False,
                    blocks=[conv, functools.partial(G.Inception, conv_block=conv), G.InceptionAux])
    m.fc = nn.Linear(1024 // 8, K)
    return m


def squeezenet():
    S = importlib.import_module('torchvision.models.squeezenet')
    m = S.SqueezeNet('1_1', num_classes=K)
    # squeezenet1_1's layout at 1/8 width (its constructor has no width option)
    m.features = nn.Sequential(
        nn.Conv2d(3, 8, kernel_size=3, stride=2), nn.ReLU(inplace=True),
        nn.MaxPool2d(kernel_size=3, stride=2, ceil_mode=True),
        S.Fire(8, 2, 8, 8), S.Fire(16, 2, 8, 8),
        nn.MaxPool2d(kernel_size=3, stride=2, ceil_mode=True),
        S.Fire(16, 4, 16, 16), S.Fire(32, 4, 16, 16),
        nn.MaxPool2d(kernel_size=3, stride=2, ceil_mode=True),
        S.Fire(32, 6, 24, 24), S.Fire(48, 6, 24, 24), S.Fire(48, 8, 32, 32), S.Fire(64, 8, 32, 32))
    m.classifier[1] = nn.Conv2d(64, K, kernel_size=1)
    return m


def vgg():
    V = importlib.import_module('torchvision.models.vgg')
    m = V.VGG(V.make_layers([8, 'M', 16, 'M', 32, 32, 'M'], batch_norm=True), num_classes=K, init_weights=True)
    # 32x32 inputs leave 4x4 maps; the (7, 7) adaptive pool would not export, a (2, 2) one does
    m.avgpool = nn.AdaptiveAvgPool2d((2, 2))
    m.classifier = nn.Sequential(nn.Linear(32 * 4, 32), nn.ReLU(True), nn.Dropout(), nn.Linear(32, 32),
                                 nn.ReLU(True), nn.Dropout(), nn.Linear(32, K))
    return m


def densenet():
    return tvm.DenseNet(growth_rate=4, block_config=(2, 2, 2, 2), num_init_features=8, bn_size=2, num_classes=K)


def shufflenet():
    return tvm.ShuffleNetV2([1, 1, 1], [8, 16, 32, 64, 64], num_classes=K)


def mobilenet_v2():
    M = importlib.import_module('torchvision.models.mobilenetv2')
    m = tvm.MobileNetV2(num_classes=K, width_mult=0.25,
                        inverted_residual_setting=[[1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 1, 2], [6, 64, 1, 2]])
    # the constructor fixes the last conv at 1280 channels; 64 keep the model small
    cin = m.features[-1][0].in_channels
    m.features[-1] = M.Conv2dNormActivation(cin, 64, kernel_size=1, norm_layer=nn.BatchNorm2d, activation_layer=nn.ReLU6)
    m.classifier[-1] = nn.Linear(64, K)
    return m


def mobilenet_v3():
    M = importlib.import_module('torchvision.models.mobilenetv3')
    setting, last = M._mobilenet_v3_conf('mobilenet_v3_small', width_mult=0.25)
    return M.MobileNetV3(setting[:6], last_channel=64, num_classes=K)


def mnasnet():
    # width 0.1 (71k parameters, 0.3 MB per export; 0.25 had 226k and made the family 11 MB)
    m = tvm.MNASNet(0.1, num_classes=K)
    # the constructor fixes the last conv at 1280 channels; 64 keep the model small
    cin = m.layers[-3].in_channels
    m.layers[-3] = nn.Conv2d(cin, 64, 1, padding=0, stride=1, bias=False)
    m.layers[-2] = nn.BatchNorm2d(64)
    m.classifier[-1] = nn.Linear(64, K)
    return m


def efficientnet_b0():
    E = importlib.import_module('torchvision.models.efficientnet')
    setting, last = E._efficientnet_conf('efficientnet_b0', width_mult=0.25, depth_mult=0.25)
    return E.EfficientNet(setting[:5], dropout=0.2, stochastic_depth_prob=0.0, num_classes=K, last_channel=64)


def efficientnet_v2():
    E = importlib.import_module('torchvision.models.efficientnet')
    setting = [E.FusedMBConvConfig(1, 3, 1, 8, 8, 1), E.FusedMBConvConfig(4, 3, 2, 8, 16, 1),
               E.MBConvConfig(4, 3, 2, 16, 24, 1, 1.0, 1.0)]
    return E.EfficientNet(setting, dropout=0.2, stochastic_depth_prob=0.0, num_classes=K, last_channel=64)


def regnet():
    R = importlib.import_module('torchvision.models.regnet')
    params = R.BlockParams.from_init_params(depth=4, w_0=8, w_a=8.0, w_m=2.0, group_width=8, se_ratio=0.25)
    return R.RegNet(params, num_classes=K, stem_width=8)


def vit():
    return tvm.VisionTransformer(image_size=32, patch_size=8, num_layers=2, num_heads=2, hidden_dim=16,
                                 mlp_dim=32, num_classes=K)


def convnext():
    C = importlib.import_module('torchvision.models.convnext')
    return C.ConvNeXt([C.CNBlockConfig(8, 16, 1), C.CNBlockConfig(16, None, 1)], layer_scale=0.5, num_classes=K)


def swin():
    return tvm.SwinTransformer(patch_size=[4, 4], embed_dim=8, depths=[1, 1], num_heads=[1, 2], window_size=[4, 4],
                               stochastic_depth_prob=0.0, num_classes=K)


def maxvit():
    return tvm.MaxVit(input_size=(32, 32), stem_channels=8, partition_size=2, block_channels=[8, 16],
                      block_layers=[1, 1], head_dim=4, stochastic_depth_prob=0.0, num_classes=K)


R = importlib.import_module('torchvision.models.resnet')
TORCHVISION = {
    # family: (builder, input shape per sample)
    'resnet': (lambda: resnet(R.BasicBlock, [1, 1, 1, 1]), (3, 32, 32)),
    'resnext': (lambda: resnet(R.Bottleneck, [1, 1, 1, 1], groups=2, width_per_group=32), (3, 32, 32)),
    'vgg': (vgg, (3, 32, 32)),
    'squeezenet': (squeezenet, (3, 32, 32)),
    'densenet': (densenet, (3, 32, 32)),
    'googlenet': (googlenet, (3, 32, 32)),
    'shufflenet_v2': (shufflenet, (3, 32, 32)),
    'mobilenet_v2': (mobilenet_v2, (3, 32, 32)),
    'mobilenet_v3': (mobilenet_v3, (3, 32, 32)),
    'mnasnet': (mnasnet, (3, 32, 32)),
    'efficientnet_b0': (efficientnet_b0, (3, 32, 32)),
    'efficientnet_v2': (efficientnet_v2, (3, 32, 32)),
    'regnet': (regnet, (3, 32, 32)),
    'vit': (vit, (3, 32, 32)),
    'convnext': (convnext, (3, 32, 32)),
    'swin': (swin, (3, 32, 32)),
    'maxvit': (maxvit, (3, 32, 32)),
}


def randomize_normalization(m, g, calibration):
    """Random affine parameters for every normalization layer, and batch-norm running statistics
    measured on calibration images (as after training), so that signals keep their scale through
    deep random nets and folding batch norm into convolutions changes the graph."""
    with torch.no_grad():
        for mod in m.modules():
            if isinstance(mod, (nn.modules.batchnorm._BatchNorm, nn.LayerNorm, nn.GroupNorm)) and mod.weight is not None:
                mod.weight.uniform_(0.5, 1.5, generator=g)
                mod.bias.normal_(0, 0.1, generator=g)
            if isinstance(mod, nn.modules.batchnorm._BatchNorm):
                mod.reset_running_stats()
                mod.momentum = None  # cumulative average over the calibration pass
        m.train()
        m(calibration)
        m.eval()


def unit_variance_init(m, x):
    """Data-dependent initialization (LSUV, Mishkin & Matas, "All you need is a good init", 2016,
    here with centering): visits the convolutions in the order they were registered (SqueezeNet's
    forward order) and rescales each so that its output has zero mean and unit standard deviation
    per channel on the calibration images x. A net without batch norm (SqueezeNet) otherwise
    shrinks the input-dependent part of its activations below float32 resolution at random init."""
    with torch.no_grad():
        for conv in [mod for mod in m.modules() if isinstance(mod, nn.Conv2d)]:
            seen = []
            hook = conv.register_forward_hook(lambda mod, inp, out: seen.append(out.detach().clone()))
            m(x)
            hook.remove()
            out = seen[0]
            mean = out.mean(dim=(0, 2, 3))
            std = out.std(dim=(0, 2, 3)).clamp_min(1e-6)
            conv.weight.div_(std.view(-1, 1, 1, 1))
            conv.bias.copy_((conv.bias - mean) / std)


# Data-dependent initializations by family (after the normalization layers are randomized).
INIT = {'squeezenet': unit_variance_init}

# Bar of the float32-vs-float64 forward check by family (relative l2 of the outputs, default 1e-5).
# SqueezeNet after unit_variance_init differs by 1.0e-5 (float32 rounding through eight Fire modules
# without normalization; MNASNet at width 0.25 differed by 2.4e-5). The zoo test's bars are 1e-4 on
# outputs and 1e-3 on gradients and H·v, and 1e-4 still tells a model that computes the references'
# function from one that does not (SqueezeNet at plain random init: 6e-1).
FLOAT_CHECK = {'squeezenet': 1e-4, 'mnasnet': 1e-4}


def scale_head(m, x, target_std=2.0):
    """Scales the last layer with K outputs so that the input-dependent part of its outputs (the
    logits minus their mean over the samples) has a standard deviation of about target_std, and
    shifts its bias so that the mean logit of every class is zero: random deep nets otherwise give
    near-constant logits, where the loss is flat and its Hessian is float32 noise."""
    head = [mod for mod in m.modules() if isinstance(mod, (nn.Linear, nn.Conv2d))
            and (getattr(mod, 'out_features', None) == K or getattr(mod, 'out_channels', None) == K)][-1]
    seen = []
    hook = head.register_forward_hook(lambda mod, inp, out: seen.append(out.detach().clone()))
    with torch.no_grad():
        if not head.weight.any():  # torchvision's ViT starts its head at zero
            nn.init.kaiming_uniform_(head.weight, a=math.sqrt(5))
        m(x)
        out = seen.pop()
        # at most 10x the overall size of the outputs: more would leave the logits a large common
        # part minus a large bias, which float32 cannot resolve (checked in build())
        scale = target_std / max((out - out.mean(0, keepdim=True)).std().item(), 0.1 * out.abs().mean().item())
        head.weight.mul_(scale)
        if head.bias is not None:
            head.bias.mul_(scale)
            m(x)
            mean = seen.pop().mean(0)
            head.bias.sub_(mean.view(K, -1).mean(1))
        hook.remove()


class HardsigmoidRef(nn.Module):
    """Hardsigmoid as relu6(x + 3)/6: the same function, with the double backward that torch 1.13's
    hardsigmoid lacks (used for the float64 references only; the export keeps nn.Hardsigmoid)."""

    def forward(self, x):
        return F.relu6(x + 3) / 6


class HardswishRef(nn.Module):
    """Hardswish as x * relu6(x + 3)/6 (references only, see HardsigmoidRef)."""

    def forward(self, x):
        return x * F.relu6(x + 3) / 6


def twice_differentiable(m):
    """Swaps the modules whose double backward torch 1.13 lacks for the same functions written with ops that have one."""
    for name, mod in list(m.named_modules()):
        for child_name, child in list(mod.named_children()):
            if isinstance(child, nn.Hardsigmoid):
                setattr(mod, child_name, HardsigmoidRef())
            elif isinstance(child, nn.Hardswish):
                setattr(mod, child_name, HardswishRef())
    return m


def images(n, shape, g):
    """n random images in [0, 1] with structure at several scales (smooth blobs plus pixel noise),
    so that pooled features vary from sample to sample as they do on real images."""
    c, h, w = shape if shape[0] <= 4 else (shape[2], shape[0], shape[1])
    low = F.interpolate(torch.randn(n, c, 4, 4, generator=g), size=(h, w), mode='bilinear', align_corners=False)
    mid = F.interpolate(torch.randn(n, c, 8, 8, generator=g), size=(h, w), mode='bilinear', align_corners=False)
    x = (0.5 + 0.25 * low + 0.1 * mid + 0.05 * torch.randn(n, c, h, w, generator=g)).clamp(0, 1)
    return x if shape[0] <= 4 else x.permute(0, 2, 3, 1).contiguous()


# --------------------------------------------------------------------------------------------
# float64 references
# --------------------------------------------------------------------------------------------

def hvp(f, x, y, v):
    """H v of the per-sample loss CE(f(x_i), y_i) for every sample i (double backprop)."""
    x = x.detach().clone().requires_grad_(True)
    loss = f(x, y).sum()
    g, = torch.autograd.grad(loss, x, create_graph=True)
    hv, = torch.autograd.grad((g * v).sum(), x)
    return hv.detach()


def lanczos(f, x, y, steps, tol=1e-10):
    """Per-sample eigenvalue of largest magnitude of the input Hessian, by Lanczos with full
    reorthogonalization on batched float64 HVPs; returns (lambda, residual estimate, steps)."""
    n = x.shape[0]
    d = x[0].numel()
    g = torch.Generator().manual_seed(1234)
    q = torch.randn(n, d, generator=g, dtype=torch.float64)
    q /= q.norm(dim=1, keepdim=True)
    Q = [q]
    alphas, betas = [], []
    lam = np.zeros(n)
    res = np.full(n, np.inf)
    done = np.zeros(n, dtype=bool)
    used = np.zeros(n, dtype=int)
    for k in range(min(steps, d)):
        w = hvp(f, x, y, Q[-1].view_as(x)).view(n, d)
        a = (w * Q[-1]).sum(1)
        w = w - a[:, None] * Q[-1] - (betas[-1][:, None] * Q[-2] if betas else 0)
        for qq in Q:  # full reorthogonalization, twice
            w = w - (w * qq).sum(1, keepdim=True) * qq
        for qq in Q:
            w = w - (w * qq).sum(1, keepdim=True) * qq
        b = w.norm(dim=1)
        alphas.append(a)
        for i in range(n):
            if done[i]:
                continue
            T = np.diag([al[i].item() for al in alphas])
            for j in range(len(betas)):
                T[j, j + 1] = T[j + 1, j] = betas[j][i].item()
            ev, vec = np.linalg.eigh(T)
            top = int(np.argmax(np.abs(ev)))
            lam[i] = ev[top]
            res[i] = abs(b[i].item() * vec[-1, top])
            used[i] = k + 1
            if res[i] <= tol * abs(lam[i]) or b[i].item() <= 1e-14 * max(abs(lam[i]), 1e-300):
                done[i] = True
        if done.all():
            break
        betas.append(b)
        Q.append(w / b.clamp_min(1e-300)[:, None])
    return lam, res, used


def per_sample_ce(model, probabilities=False):
    def f(x, y):
        out = model(x)
        if probabilities:
            return -torch.log(out.gather(1, y[:, None]).squeeze(1))
        return F.cross_entropy(out, y, reduction='none')
    return f


def references(out_dir, model64, x32, y, probabilities=False, lanczos_steps=200, full_check=False):
    """Writes inputs, labels, outputs, grads, probe, H*probe and reference.json for a float64 model."""
    os.makedirs(out_dir, exist_ok=True)
    x = x32.double()
    f = per_sample_ce(model64, probabilities)
    xg = x.clone().requires_grad_(True)
    loss = f(xg, y)
    grad, = torch.autograd.grad(loss.sum(), xg)
    with torch.no_grad():
        outputs = model64(x)
    gen = torch.Generator().manual_seed(99)
    probe = torch.randn(x.shape, generator=gen, dtype=torch.float64)
    probe /= probe.flatten(1).norm(dim=1).view(-1, *([1] * (x.dim() - 1)))
    probe = probe.float().double()  # the probe the Java test feeds is float32: use exactly that one
    hv = hvp(f, x, y, probe)
    lam, res, used = lanczos(f, x, y, lanczos_steps)
    ref = {
        'loss': loss.tolist(),
        'grad_norm': grad.flatten(1).norm(dim=1).tolist(),
        'hessian_spectral_norm': np.abs(lam).tolist(),
        'hessian_top_eig': lam.tolist(),
        'lanczos_residual': res.tolist(),
        'lanczos_steps': used.tolist(),
        'outputs_probabilities': probabilities,
        'outputs': outputs.tolist(),
    }
    if full_check:  # the full Hessian's extreme eigenvalue must equal the Lanczos one
        d = x[0].numel()
        full = []
        for i in range(x.shape[0]):
            xi = x[i:i + 1].expand(d, *x.shape[1:]).contiguous()
            yi = y[i:i + 1].expand(d)
            H = hvp(f, xi, yi, torch.eye(d, dtype=torch.float64).view(d, *x.shape[1:])).view(d, d)
            ev = np.linalg.eigvalsh(H.numpy())
            full.append(float(np.max(np.abs(ev))))
        rel = np.max(np.abs(np.array(full) - np.abs(lam)) / np.array(full))
        assert rel < 1e-8, f'Lanczos vs full Hessian: {rel}'
        ref['hessian_spectral_norm_full'] = full
    np.save(os.path.join(out_dir, 'inputs.npy'), x32.numpy().astype(np.float32))
    np.save(os.path.join(out_dir, 'labels.npy'), y.numpy().astype(np.int64))
    np.save(os.path.join(out_dir, 'outputs.npy'), outputs.numpy().astype(np.float32))
    np.save(os.path.join(out_dir, 'grads.npy'), grad.numpy().astype(np.float32))
    np.save(os.path.join(out_dir, 'probe.npy'), probe.numpy().astype(np.float32))
    np.save(os.path.join(out_dir, 'hvp_probe.npy'), hv.numpy().astype(np.float32))
    with open(os.path.join(out_dir, 'reference.json'), 'w') as fh:
        json.dump(ref, fh)
    return ref


# --------------------------------------------------------------------------------------------
# Exports
# --------------------------------------------------------------------------------------------

def op_types(path):
    m = onnx.load(path)
    ops = set()

    def walk(g):
        for n in g.node:
            ops.add(n.op_type if n.domain in ('', 'ai.onnx') else n.domain + ':' + n.op_type)
            for a in n.attribute:
                if a.type == onnx.AttributeProto.GRAPH:
                    walk(a.g)
    walk(m.graph)
    return sorted(ops)


def export_torchvision(family, model, shape, out, manifest):
    for opset in OPSETS:
        for fold in (True, False):
            for dynamic in (True, False):
                variant = f'opset{opset}-{"fold" if fold else "nofold"}-{"dynamic" if dynamic else "fixed"}'
                rel = f'{family}/{variant}.onnx'
                entry = {'name': f'{family}/{variant}', 'family': family, 'exporter': 'torch.onnx',
                         'opset': opset, 'folding': fold, 'batch': 'dynamic' if dynamic else 1,
                         'reference': f'{family}/reference'}
                try:
                    buf = io.BytesIO()
                    torch.onnx.export(model, torch.zeros(1, *shape), buf, opset_version=opset,
                                      do_constant_folding=fold, input_names=['input'], output_names=['logits'],
                                      dynamic_axes={'input': {0: 'batch'}, 'logits': {0: 'batch'}} if dynamic else None)
                    with open(os.path.join(out, rel), 'wb') as fh:
                        fh.write(buf.getvalue())
                    entry['file'] = rel
                    entry['ops'] = op_types(os.path.join(out, rel))
                except Exception as e:  # noqa: BLE001 - recorded in the manifest
                    entry['export_error'] = (type(e).__name__ + ': ' + str(e)).splitlines()[0][:300]
                manifest.append(entry)
                print(f'  {variant}: {entry.get("export_error", "ok")}', flush=True)


def tensor(name, a):
    return numpy_helper.from_array(np.ascontiguousarray(a), name)


def write_helper_model(path, graph, opset, ml=False):
    imports = [helper.make_opsetid('', opset)] + ([helper.make_opsetid('ai.onnx.ml', 1)] if ml else [])
    m = helper.make_model(graph, opset_imports=imports, producer_name='lcnn-zoo (onnx.helper)')
    m.ir_version = 7 if opset <= 15 else 8
    onnx.checker.check_model(m)
    onnx.save(m, path)


class TfStyleCnn(nn.Module):
    """The function of the tf2onnx-layout graph, in PyTorch: NHWC input, two ReLU convs, global
    average over H and W, dense layer, softmax (the graph outputs probabilities)."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(3, 8, 3, padding=1)
        self.c2 = nn.Conv2d(8, 16, 3, stride=2, padding=1)
        self.fc = nn.Linear(16, K)

    def forward(self, x):
        h = F.relu(self.c2(F.relu(self.c1(x.permute(0, 3, 1, 2)))))
        return F.softmax(self.fc(h.permute(0, 2, 3, 1).mean(dim=(1, 2))), dim=1)


def tf2onnx_graph(m, opset, dynamic):
    w = {k: v.detach().float().numpy() for k, v in m.state_dict().items()}
    batch = 'unk__7' if dynamic else 1
    nodes = [
        helper.make_node('Transpose', ['input_1:0'], ['t0'], perm=[0, 3, 1, 2], name='sequential/conv2d/Conv2D__6'),
        helper.make_node('Conv', ['t0', 'c1.w', 'c1.b'], ['c1'], pads=[1, 1, 1, 1], kernel_shape=[3, 3],
                         strides=[1, 1], dilations=[1, 1], group=1, name='sequential/conv2d/Conv2D'),
        helper.make_node('Relu', ['c1'], ['r1'], name='sequential/conv2d/Relu'),
        helper.make_node('Conv', ['r1', 'c2.w', 'c2.b'], ['c2'], pads=[1, 1, 1, 1], kernel_shape=[3, 3],
                         strides=[2, 2], dilations=[1, 1], group=1, name='sequential/conv2d_1/Conv2D'),
        helper.make_node('Relu', ['c2'], ['r2'], name='sequential/conv2d_1/Relu'),
        helper.make_node('Transpose', ['r2'], ['t1'], perm=[0, 2, 3, 1], name='sequential/conv2d_1/Relu__10'),
        helper.make_node('ReduceMean', ['t1'], ['gap'], axes=[1, 2], keepdims=0,
                         name='sequential/global_average_pooling2d/Mean'),
        helper.make_node('MatMul', ['gap', 'fc.wt'], ['mm'], name='sequential/dense/MatMul'),
        helper.make_node('Add', ['mm', 'fc.b'], ['logits'], name='sequential/dense/BiasAdd'),
        helper.make_node('Softmax', ['logits'], ['sm'], axis=1 if opset < 13 else -1, name='sequential/dense/Softmax'),
        helper.make_node('Identity', ['sm'], ['dense'], name='Identity'),
    ]
    inits = [tensor('c1.w', w['c1.weight']), tensor('c1.b', w['c1.bias']), tensor('c2.w', w['c2.weight']),
             tensor('c2.b', w['c2.bias']), tensor('fc.wt', w['fc.weight'].T), tensor('fc.b', w['fc.bias'])]
    g = helper.make_graph(nodes, 'tf2onnx', [helper.make_tensor_value_info('input_1:0', TensorProto.FLOAT, [batch, 32, 32, 3])],
                          [helper.make_tensor_value_info('dense', TensorProto.FLOAT, [batch, K])], inits)
    return g


class SklMlp(nn.Module):
    """The function of the skl2onnx MLPClassifier layout: flat features, two ReLU layers, softmax."""

    def __init__(self, d):
        super().__init__()
        self.l1 = nn.Linear(d, 32)
        self.l2 = nn.Linear(32, 16)
        self.l3 = nn.Linear(16, K)

    def forward(self, x):
        return F.softmax(self.l3(F.relu(self.l2(F.relu(self.l1(x))))), dim=1)


def skl2onnx_graph(m, d, opset, dynamic, zipmap):
    w = {k: v.detach().float().numpy() for k, v in m.state_dict().items()}
    batch = 'N' if dynamic else 1
    nodes = []
    inits = [tensor('classes', np.arange(K, dtype=np.int64)), tensor('shape_tensor', np.array([-1], dtype=np.int64))]
    h = 'float_input'
    for i, layer in enumerate(('l1', 'l2', 'l3')):
        inits += [tensor(f'coefficient{i}', w[f'{layer}.weight'].T), tensor(f'intercepts{i}', w[f'{layer}.bias'][None, :])]
        nodes += [helper.make_node('MatMul', [h, f'coefficient{i}'], [f'mul_result{i}'], name=f'MatMul{i}'),
                  helper.make_node('Add', [f'mul_result{i}', f'intercepts{i}'], [f'add_result{i}'], name=f'Add{i}')]
        h = f'add_result{i}'
        if layer != 'l3':
            nodes.append(helper.make_node('Relu', [h], [f'next_activations{i}'], name=f'Relu{i}'))
            h = f'next_activations{i}'
    nodes += [
        helper.make_node('Softmax', [h], ['out_activations_result'], axis=1, name='Softmax'),
        helper.make_node('ArgMax', ['out_activations_result'], ['argmax_output'], axis=1, name='ArgMax'),
        helper.make_node('ArrayFeatureExtractor', ['classes', 'argmax_output'], ['array_feature_extractor_result'],
                         domain='ai.onnx.ml', name='ArrayFeatureExtractor'),
        helper.make_node('Cast', ['array_feature_extractor_result'], ['cast2_result'], to=TensorProto.INT64, name='Cast'),
        helper.make_node('Reshape', ['cast2_result', 'shape_tensor'], ['label'], name='Reshape'),
    ]
    outputs = [helper.make_tensor_value_info('label', TensorProto.INT64, [batch])]
    if zipmap:
        nodes += [helper.make_node('Identity', ['out_activations_result'], ['probabilities'], name='Identity'),
                  helper.make_node('ZipMap', ['probabilities'], ['output_probability'], classlabels_int64s=list(range(K)),
                                   domain='ai.onnx.ml', name='ZipMap')]
        zipped = onnx.TypeProto()  # seq(map(int64, float)); onnx 1.12's helper has no map-type maker
        zipped.sequence_type.elem_type.map_type.key_type = TensorProto.INT64
        zipped.sequence_type.elem_type.map_type.value_type.tensor_type.elem_type = TensorProto.FLOAT
        outputs.append(onnx.ValueInfoProto(name='output_probability', type=zipped))
    else:
        nodes.append(helper.make_node('Identity', ['out_activations_result'], ['probabilities'], name='Identity'))
        outputs.append(helper.make_tensor_value_info('probabilities', TensorProto.FLOAT, [batch, K]))
    return helper.make_graph(nodes, 'mlp_classifier', [helper.make_tensor_value_info('float_input', TensorProto.FLOAT, [batch, d])],
                             outputs, inits)


def export_helper(family, exporter, make_graph, out, manifest, ml=False):
    for opset in OPSETS:
        for dynamic in (True, False):
            variant = f'opset{opset}-helper-{"dynamic" if dynamic else "fixed"}'
            rel = f'{family}/{variant}.onnx'
            write_helper_model(os.path.join(out, rel), make_graph(opset, dynamic), opset, ml)
            manifest.append({'name': f'{family}/{variant}', 'family': family, 'exporter': exporter, 'opset': opset,
                             'folding': None, 'batch': 'dynamic' if dynamic else 1, 'reference': f'{family}/reference',
                             'file': rel, 'ops': op_types(os.path.join(out, rel))})
            print(f'  {variant}: ok', flush=True)


class SmallCnn(nn.Module):
    """A smooth 3x32x32 CNN for the preprocessing pair; `normalize` puts torchvision-style
    (x - mean)/std in front of it."""
    MEAN = (0.485, 0.456, 0.406)
    STD = (0.229, 0.224, 0.225)

    def __init__(self):
        super().__init__()
        self.normalize = False
        self.c1 = nn.Conv2d(3, 8, 3, stride=2, padding=1)
        self.c2 = nn.Conv2d(8, 16, 3, stride=2, padding=1)
        self.fc = nn.Linear(16, K)

    def forward(self, x):
        if self.normalize:
            x = (x - torch.tensor(self.MEAN).view(1, 3, 1, 1)) / torch.tensor(self.STD).view(1, 3, 1, 1)
        h = F.softplus(self.c2(F.softplus(self.c1(x), beta=4)), beta=4)
        return self.fc(h.mean(dim=(2, 3)))


def preprocessing_pair(out, seed):
    """raw.onnx expects normalized inputs; normalized.onnx is the same weights with the
    normalization inside the graph (the test feeds the first pixels with --mean/--std)."""
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(seed)
    m = SmallCnn().eval()
    for normalize, name in ((False, 'raw.onnx'), (True, 'normalized.onnx')):
        m.normalize = normalize
        torch.onnx.export(m, torch.zeros(1, 3, 32, 32), os.path.join(out, name), opset_version=13,
                          input_names=['input'], output_names=['logits'],
                          dynamic_axes={'input': {0: 'batch'}, 'logits': {0: 'batch'}})
    with open(os.path.join(out, 'preprocessing.json'), 'w') as fh:
        json.dump({'mean': SmallCnn.MEAN, 'std': SmallCnn.STD}, fh)
    print('wrote', out)


# --------------------------------------------------------------------------------------------

def build(family, builder, shape, seed, samples):
    torch.manual_seed(seed)
    g = torch.Generator().manual_seed(seed)
    model = builder().eval()
    draw = (lambda n: images(n, shape, g)) if len(shape) == 3 else (lambda n: torch.randn(n, *shape, generator=g))
    randomize_normalization(model, g, draw(64))
    if family in INIT:
        INIT[family](model, draw(64))
    x = draw(samples)
    y = torch.randint(0, K, (samples,), generator=g)
    scale_head(model, x)
    with torch.no_grad():  # the float32 model must compute the float64 references' function
        o32 = model(x).double()
        o64 = copy.deepcopy(model).double()(x.double())
    rel = ((o32 - o64).norm() / o64.norm()).item()
    bar = FLOAT_CHECK.get(family, 1e-5)
    assert rel < bar, f'{family}: float32 and float64 outputs differ by {rel:.1e} (bar {bar:.0e})'
    return model, x, y


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', default='fixtures/zoo')
    ap.add_argument('--families', default='')
    ap.add_argument('--samples', type=int, default=8)
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--resnet50', default='')
    ap.add_argument('--preprocessing', default='')
    args = ap.parse_args()
    if args.preprocessing:
        preprocessing_pair(args.preprocessing, args.seed)
        return
    if args.resnet50:
        os.makedirs(args.resnet50, exist_ok=True)
        torch.manual_seed(args.seed)
        m = tvm.resnet50(num_classes=1000).eval()
        path = os.path.join(args.resnet50, 'resnet50.onnx')
        torch.onnx.export(m, torch.zeros(1, 3, 224, 224), path, opset_version=17, input_names=['input'],
                          output_names=['logits'], dynamic_axes={'input': {0: 'batch'}, 'logits': {0: 'batch'}})
        print('wrote', path)
        return
    wanted = set(filter(None, args.families.split(',')))
    out = args.out
    os.makedirs(out, exist_ok=True)

    def done(family, entries):
        """Each family's entries go to OUT/<family>/models.json at once, so a partial rerun
        (--families) replaces only its own; manifest.json joins all of them."""
        with open(os.path.join(out, family, 'models.json'), 'w') as fh:
            json.dump(entries, fh, indent=1)

    for family, (builder, shape) in TORCHVISION.items():
        if wanted and family not in wanted:
            continue
        print(family, flush=True)
        try:
            model, x, y = build(family, builder, shape, args.seed, args.samples)
        except AssertionError as e:  # e.g. squeezenet, see fixtures/zoo/README.md
            print(f'  skipped: {e}', flush=True)
            continue
        os.makedirs(os.path.join(out, family), exist_ok=True)
        entries = []
        export_torchvision(family, model, shape, out, entries)
        ref = references(os.path.join(out, family, 'reference'), twice_differentiable(model).double(), x, y)
        print(f'  params {sum(p.numel() for p in model.parameters())}, loss {np.round(ref["loss"], 3)}, '
              f'grad norm {np.round(ref["grad_norm"], 4)}, spectral norm {np.round(ref["hessian_spectral_norm"], 4)}, '
              f'Lanczos steps {ref["lanczos_steps"]}', flush=True)
        done(family, entries)
    if not wanted or 'tf2onnx_cnn' in wanted:
        print('tf2onnx_cnn', flush=True)
        m, x, y = build('tf2onnx_cnn', TfStyleCnn, (32, 32, 3), args.seed, args.samples)
        os.makedirs(os.path.join(out, 'tf2onnx_cnn'), exist_ok=True)
        entries = []
        export_helper('tf2onnx_cnn', 'tf2onnx layout (onnx.helper)', lambda o, dyn: tf2onnx_graph(m, o, dyn), out, entries)
        references(os.path.join(out, 'tf2onnx_cnn', 'reference'), m.double(), x, y, probabilities=True)
        done('tf2onnx_cnn', entries)
    for zipmap in (False, True):
        family = 'skl2onnx_mlp_zipmap' if zipmap else 'skl2onnx_mlp'
        if wanted and family not in wanted:
            continue
        print(family, flush=True)
        d = 20
        m, x, y = build(family, lambda: SklMlp(d), (d,), args.seed, args.samples)
        os.makedirs(os.path.join(out, family), exist_ok=True)
        entries = []
        export_helper(family, 'skl2onnx layout (onnx.helper)', lambda o, dyn: skl2onnx_graph(m, d, o, dyn, zipmap),
                      out, entries, ml=True)
        references(os.path.join(out, family, 'reference'), m.double(), x, y, probabilities=True, full_check=True)
        done(family, entries)
    manifest = []
    for family in sorted(os.listdir(out)):
        part = os.path.join(out, family, 'models.json')
        if os.path.exists(part):
            manifest += json.load(open(part))
    manifest.sort(key=lambda e: e['name'])
    with open(os.path.join(out, 'manifest.json'), 'w') as fh:
        json.dump({'generator': 'tools/zoo/make_zoo.py', 'torch': torch.__version__,
                   'classes': K, 'models': manifest}, fh, indent=1)


if __name__ == '__main__':
    main()
