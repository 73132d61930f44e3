"""From PyTorch to a microcontroller, step 1: train a small classifier in PyTorch and export it with
ctnn-export as a self-verifying header.

    python3 train.py <output dir>      (writes <output dir>/classifier.hpp; about 2 s)
"""
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "..", "tools"))  # where ctnn_export.py lives
import ctnn_export  # noqa: E402
import torch  # noqa: E402

torch.manual_seed(0)
out = sys.argv[1] if len(sys.argv) > 1 else "."

# Three interleaved classes on the plane: ring, left half-disc, right half-disc.
def make_points(n, generator):
    radius = 2.0 * torch.sqrt(torch.rand(n, generator=generator))
    angle = 2 * torch.pi * torch.rand(n, generator=generator)
    x = torch.stack([radius * torch.cos(angle), radius * torch.sin(angle)], dim=1)
    label = torch.where(radius > 1.3, 0, torch.where(x[:, 0] < 0, 1, 2))
    return x, label

generator = torch.Generator().manual_seed(1)
x, label = make_points(2000, generator)

model = torch.nn.Sequential(
    torch.nn.Linear(2, 16), torch.nn.ReLU(),
    torch.nn.Linear(16, 16), torch.nn.ReLU(),
    torch.nn.Linear(16, 3), torch.nn.Softmax(dim=-1))
optimiser = torch.optim.Adam(model.parameters(), lr=0.02)
for step in range(400):
    optimiser.zero_grad()
    loss = torch.nn.functional.nll_loss(torch.log(model(x) + 1e-9), label)
    loss.backward()
    optimiser.step()
model.eval()
accuracy = (model(x).argmax(dim=1) == label).float().mean().item()
print("train.py: loss %.3f, training accuracy %.3f" % (loss.item(), accuracy))

# Step 2: the header. The reference inputs are real points; compiling the header checks that ctnn
# computes what PyTorch computes on them.
ctnn_export.export_header(model, os.path.join(out, "classifier.hpp"), scalar="float", namespace="classifier",
                          reference_inputs=x[:8], source="train.py")
# The same from the command line:  torch.jit.script(model).save("classifier.pt")   (TorchScript)
#                                  tools/ctnn-export classifier.pt -o classifier.hpp
