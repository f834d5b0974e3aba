"""An independent PyTorch re-implementation of lcnn's small CNN, standard and LCNN builds, trained
on Fashion-MNIST with lcnn's recipe (SGD 0.1, momentum 0.9, weight decay 5e-4 except on log beta
and log gamma, lr x0.1 at 75 % and 87.5 % of the epochs, batch 128). It checks whether the LCNN's
accuracy gap to standard comes from the method or from lcnn's DJL trainer; docs/training.md has
its results. Usage:

    python3 small_cnn.py --data DIR_WITH_IDX_GZ --seeds 0,1,2 [--recipes standard,lcnn]
        [--arch 1,2,2] [--width 0.5] [--epochs 10] [--lambda-beta 1e-2] [--lambda-grad 1e-3]
        [--audit 500]

--recipes: standard, lcnn, gradreg (exact double backprop, lambda_grad * 1e5 * ||d(mean CE)/dx||^2
/ B), lcnn-gradreg and cure (exact double backprop, lambda_cure 4, step 0.01). --audit N adds the mean gradient norm, Hessian spectral norm and
curvature over the first N test images (float64, exact HVPs).

--arch lists the strides of the conv units (first unit 32 x width channels, the others 64 x width,
rounded up to multiples of 8, as lcnn's ModelSpec does). Prints one line per run.
"""
import argparse, gzip, math, time
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

dev = 'cuda' if torch.cuda.is_available() else 'cpu'

def idx(path):
    with gzip.open(path, 'rb') as f:
        data = f.read()
    magic = int.from_bytes(data[0:4], 'big')
    nd = magic & 0xff
    dims = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], 'big') for i in range(nd)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * nd).reshape(dims)

ap = argparse.ArgumentParser()
ap.add_argument('--data', required=True)
ap.add_argument('--seeds', default='0,1,2')
ap.add_argument('--arch', default='1,2,2')
ap.add_argument('--width', type=float, default=0.5)
ap.add_argument('--epochs', type=int, default=10)
ap.add_argument('--lambda-beta', type=float, default=1e-2)
ap.add_argument('--lambda-grad', type=float, default=1e-3)
ap.add_argument('--lambda-cure', type=float, default=4.0)
ap.add_argument('--cure-step', type=float, default=0.01)
ap.add_argument('--recipes', default='standard,lcnn')
ap.add_argument('--audit', type=int, default=0)
ap.add_argument('--model', default='small-cnn', choices=['small-cnn', 'resnet18'])
ap.add_argument('--max-steps', type=int, default=0)
args = ap.parse_args()
D = args.data
xtr = torch.tensor(idx(D + '/train-images-idx3-ubyte.gz'), dtype=torch.float32).div(255).unsqueeze(1).to(dev)
ytr = torch.tensor(idx(D + '/train-labels-idx1-ubyte.gz'), dtype=torch.int64).to(dev)
xte = torch.tensor(idx(D + '/t10k-images-idx3-ubyte.gz'), dtype=torch.float32).div(255).unsqueeze(1).to(dev)
yte = torch.tensor(idx(D + '/t10k-labels-idx1-ubyte.gz'), dtype=torch.int64).to(dev)

class CSoftplus(nn.Module):
    def __init__(self, beta, learnable):
        super().__init__()
        self.learnable = learnable
        if learnable:
            self.log_beta = nn.Parameter(torch.tensor([math.log(beta - 1e-3)]))
        else:
            self.register_buffer('b', torch.tensor([beta]))
    def beta(self):
        return self.log_beta.exp() + 1e-3 if self.learnable else self.b
    def forward(self, x):
        b = self.beta()
        return (F.softplus(x * b) - math.log(2)) / b

FROZEN = False  # True during CURE's extra passes: no power iterations, no running statistics

class SNConv(nn.Module):
    def __init__(self, cin, cout, k, s, p, hw):
        super().__init__()
        self.s, self.p = s, p
        self.weight = nn.Parameter(torch.randn(cout, cin, k, k) * math.sqrt(2.0 / (cin * k * k)))
        ho = (hw + 2 * p - k) // s + 1
        self.op = hw - ((ho - 1) * s - 2 * p + k)
        self.register_buffer('u', torch.randn(1, cout, ho, ho))
        self.register_buffer('v', F.normalize(torch.randn(1, cin, hw, hw).flatten(), dim=0).view(1, cin, hw, hw))
        with torch.no_grad():
            for _ in range(15):
                self.iterate(self.weight)
    def iterate(self, w):
        v = F.conv_transpose2d(self.u, w, stride=self.s, padding=self.p, output_padding=self.op)
        v = v / (v.norm() + 1e-12)
        u = F.conv2d(v, w, stride=self.s, padding=self.p)
        u = u / (u.norm() + 1e-12)
        self.v.copy_(v); self.u.copy_(u)
    def forward(self, x):
        if self.training and not FROZEN:
            with torch.no_grad():
                self.iterate(self.weight.detach())
        sigma = (self.u * F.conv2d(self.v, self.weight, stride=self.s, padding=self.p)).sum()
        return F.conv2d(x, self.weight / sigma, stride=self.s, padding=self.p)

class SNLinear(nn.Module):
    def __init__(self, fin, fout):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(fout, fin) * math.sqrt(2.0 / (fin + fout)))
        self.bias = nn.Parameter(torch.zeros(fout))
        self.register_buffer('u', F.normalize(torch.randn(fout), dim=0))
        self.register_buffer('v', torch.zeros(fin))
        with torch.no_grad():
            for _ in range(15):
                self.iterate(self.weight)
    def iterate(self, w):
        v = F.normalize(w.t() @ self.u, dim=0, eps=1e-12)
        u = F.normalize(w @ v, dim=0, eps=1e-12)
        self.v.copy_(v); self.u.copy_(u)
    def forward(self, x):
        if self.training and not FROZEN:
            with torch.no_grad():
                self.iterate(self.weight.detach())
        sigma = self.u @ (self.weight @ self.v)
        return x @ (self.weight / sigma).t() + self.bias

class LipBN(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.log_gamma = nn.Parameter(torch.tensor([math.log(10.0)]))
        self.register_buffer('rm', torch.zeros(c)); self.register_buffer('rv', torch.ones(c))
    def forward(self, x):
        s = torch.minimum(self.log_gamma.exp() * (self.rv + 1e-5).sqrt().min(), torch.ones(1, device=x.device))
        w = s.repeat(x.shape[1])
        return F.batch_norm(x, self.rm, self.rv, w, torch.zeros_like(w), self.training, 0.1, 1e-5)

ARCH = [int(a) for a in args.arch.split(',')]
WIDTH = args.width

def small_cnn(lcnn, width=None):
    width = width or WIDTH
    c = lambda base: int(math.ceil(base * width / 8.0) * 8)
    c1, c2 = c(32), c(64)
    layers, cin, hw = [], 1, 28
    for k, s in enumerate(ARCH):
        cout = c1 if k == 0 else c2
        if lcnn:
            layers += [SNConv(cin, cout, 3, s, 1, hw), LipBN(cout), CSoftplus(5.0, True)]
        else:
            layers += [nn.Conv2d(cin, cout, 3, s, 1, bias=False), nn.BatchNorm2d(cout, eps=1e-5, momentum=0.1), CSoftplus(1000.0, False)]
        cin, hw = cout, (hw + 2 - 3) // s + 1
    layers += [nn.Flatten(), SNLinear(cin * hw * hw, 10)]
    return nn.Sequential(*layers)

class Subsample(nn.Module):
    def __init__(self, s):
        super().__init__()
        self.s = s
    def forward(self, x):
        return x[:, :, ::self.s, ::self.s]

class BasicBlock(nn.Module):
    def __init__(self, lcnn, cin, cout, stride, hw):
        super().__init__()
        conv = lambda ci, co, k, s, p, h: SNConv(ci, co, k, s, p, h) if lcnn else nn.Conv2d(ci, co, k, s, p, bias=False)
        norm = lambda ch: LipBN(ch) if lcnn else nn.BatchNorm2d(ch, eps=1e-5, momentum=0.1)
        act = lambda: CSoftplus(5.0, True) if lcnn else CSoftplus(1000.0, False)
        hout = (hw + 2 - 3) // stride + 1
        self.main = nn.Sequential(conv(cin, cout, 3, stride, 1, hw), norm(cout), act(),
                                  conv(cout, cout, 3, 1, 1, hout), norm(cout))
        short = []
        if stride != 1 or cin != cout:
            short = ([Subsample(stride)] if stride != 1 else []) + [conv(cin, cout, 1, 1, 0, hout), norm(cout)]
        self.short = nn.Sequential(*short)
        self.act = act()
        self.hout = hout
    def forward(self, x):
        return self.act(self.main(x) + self.short(x))

def resnet18(lcnn, width=None):
    """The paper's ResNet-18 as lcnn builds it: 3x3 stem, stride 1, no max-pool, stages
    64/128/256/512 x width (multiples of 8), strided shortcuts as subsampling + 1x1 conv."""
    width = width or WIDTH
    c = lambda base: int(math.ceil(base * width / 8.0) * 8)
    cin, hw = c(64), 28
    layers = [SNConv(1, cin, 3, 1, 1, hw) if lcnn else nn.Conv2d(1, cin, 3, 1, 1, bias=False),
              LipBN(cin) if lcnn else nn.BatchNorm2d(cin, eps=1e-5, momentum=0.1),
              CSoftplus(5.0, True) if lcnn else CSoftplus(1000.0, False)]
    for i, base in enumerate([64, 128, 256, 512]):
        for b in range(2):
            blk = BasicBlock(lcnn, cin, c(base), 2 if (b == 0 and i > 0) else 1, hw)
            layers.append(blk)
            cin, hw = c(base), blk.hout
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), SNLinear(cin, 10)]
    return nn.Sequential(*layers)

EPOCHS = args.epochs

def audit(net, n, iterations=30):
    """Means over the first n test images of the per-sample loss gradient norm, the input
    Hessian's spectral norm (power iteration on exact float64 HVPs) and C_f = H / (G + 1e-6)."""
    import copy
    m = copy.deepcopy(net).double().eval()
    x = xte[:n].double().clone().requires_grad_(True)
    loss = F.cross_entropy(m(x), yte[:n], reduction='sum')
    g, = torch.autograd.grad(loss, x, create_graph=True)
    unit = lambda t: t / (t.flatten(1).norm(dim=1).view(-1, 1, 1, 1) + 1e-30)
    v = unit(torch.randn_like(x))
    for _ in range(iterations):
        hv, = torch.autograd.grad(g, x, grad_outputs=v, retain_graph=True)
        v = unit(hv)
    hv, = torch.autograd.grad(g, x, grad_outputs=v, retain_graph=True)
    h = (hv * v).flatten(1).sum(1).abs()
    gn = g.detach().flatten(1).norm(dim=1)
    return gn.mean().item(), h.mean().item(), (h / (gn + 1e-6)).mean().item()

def cure_penalty(net, x, y):
    """CURE (exact double backprop): lambda_c * ||grad l(x + h z) - grad l(x)||^2 / B with per-sample
    gradients of the summed CE and z = sign(grad l(x)) / ||sign(grad l(x))|| per sample; the two
    extra passes use batch statistics without moving the running ones."""
    bns = [m for m in net.modules() if isinstance(m, nn.BatchNorm2d)]
    global FROZEN
    FROZEN = True
    for m in bns:
        m.track_running_stats = False
    x0 = x.clone().requires_grad_(True)
    g0, = torch.autograd.grad(F.cross_entropy(net(x0), y, reduction='sum'), x0, create_graph=True)
    z = torch.sign(g0.detach())
    z = z / (z.flatten(1).norm(dim=1).view(-1, 1, 1, 1) + 1e-12)
    x1 = (x + args.cure_step * z).requires_grad_(True)
    g1, = torch.autograd.grad(F.cross_entropy(net(x1), y, reduction='sum'), x1, create_graph=True)
    for m in bns:
        m.track_running_stats = True
    FROZEN = False
    return args.lambda_cure * (g1 - g0).pow(2).sum() / x.shape[0]

def run(recipe, seed, lam_beta, lam_gamma=1e-2, epochs=None, bs=128):
    epochs = epochs or EPOCHS
    lcnn = recipe in ('lcnn', 'lcnn-gradreg')
    gradreg = recipe in ('gradreg', 'lcnn-gradreg')
    cure = recipe == 'cure'
    torch.manual_seed(seed); np.random.seed(seed)
    net = (resnet18(lcnn) if args.model == 'resnet18' else small_cnn(lcnn)).to(dev)
    decay = [p for n, p in net.named_parameters() if 'log_' not in n]
    nodecay = [p for n, p in net.named_parameters() if 'log_' in n]
    opt = torch.optim.SGD([{'params': decay, 'weight_decay': 5e-4}, {'params': nodecay, 'weight_decay': 0}], lr=0.1, momentum=0.9)
    n = xtr.shape[0]
    t0 = time.time()
    hist = []
    for ep in range(epochs):
        lr = 0.1 * (0.1 if ep >= round(0.75 * epochs) else 1) * (0.1 if ep >= round(0.875 * epochs) else 1)
        for g in opt.param_groups: g['lr'] = lr
        net.train()
        perm = torch.randperm(n, device=dev)
        correct = 0
        steps = n // bs if args.max_steps <= 0 else min(n // bs, args.max_steps)
        for i in range(0, steps * bs, bs):
            b = perm[i:i + bs]
            xb = xtr[b].clone().requires_grad_(gradreg)
            out = net(xb)
            loss = F.cross_entropy(out, ytr[b])
            if gradreg:
                g, = torch.autograd.grad(loss, xb, create_graph=True)
                loss = loss + args.lambda_grad * 1e5 * g.pow(2).sum() / bs
            if cure:
                loss = loss + cure_penalty(net, xtr[b], ytr[b])
            if lcnn:
                betas = [m.beta() for m in net.modules() if isinstance(m, CSoftplus)]
                lgs = [m.log_gamma for m in net.modules() if isinstance(m, LipBN)]
                loss = loss + lam_beta * torch.cat(betas).sum() + lam_gamma * torch.cat(lgs).abs().sum()
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            correct += (out.argmax(1) == ytr[b]).sum().item()
        net.eval()
        with torch.no_grad():
            te = sum((net(xte[j:j + 1000]).argmax(1) == yte[j:j + 1000]).sum().item() for j in range(0, 10000, 1000)) / 10000
        mb = float(np.mean([m.beta().item() for m in net.modules() if isinstance(m, CSoftplus)])) if lcnn else float('nan')
        mg = float(np.mean([m.log_gamma.exp().item() for m in net.modules() if isinstance(m, LipBN)])) if lcnn else float('nan')
        hist.append((ep + 1, correct / (steps * bs), te, mb, mg))
    sec = time.time() - t0
    return hist, sec, (audit(net, args.audit) if args.audit else None)

for seed in [int(a) for a in args.seeds.split(',')]:
    for name in args.recipes.split(','):
        lb = args.lambda_beta if name.startswith('lcnn') else 0.0
        hist, sec, geo = run(name, seed, lb)
        ep, tr, te, mb, mg = hist[-1]
        g = f"  E|grad| {geo[0]:.4g}  E|Hess| {geo[1]:.4g}  E C_f {geo[2]:.4g} (first {args.audit} test images)" if geo else ""
        print(f"{args.model} arch {ARCH} width {WIDTH} epochs {EPOCHS} {name} (lambda_beta {lb:g}) seed {seed}  train {tr*100:.2f}  test {te*100:.2f}  mean-beta {mb:.3f}  mean-gamma {mg:.2f}  {sec:.0f} s  per-epoch test {[round(h[2]*100,2) for h in hist]}  per-epoch train {[round(h[1]*100,2) for h in hist]}{g}", flush=True)
