"""Checks that turn a student's likely mistakes into one clear sentence.

Each message says what was expected, in the course's terms (``x_t (B, I)``, ``state.h (B, H)``),
and what was given, instead of letting the mistake surface as a matmul error deep in a cell.
"""

from __future__ import annotations

import math
import numbers

import torch
from torch import Tensor, nn


def shape_str(shape) -> str:
    return "(" + ", ".join(str(s) for s in shape) + ")"


def module_dtype_device(module: nn.Module) -> tuple[torch.dtype, torch.device]:
    p = next(module.parameters())
    return p.dtype, p.device


def check_tensor(x, name: str) -> None:
    if not isinstance(x, Tensor):
        raise TypeError(
            f"{name} must be a torch.Tensor; got {type(x).__name__}. "
            f"Convert it with torch.as_tensor({name}, dtype=torch.float32)"
        )


def check_matches_module(x: Tensor, module: nn.Module, name: str) -> None:
    """``x`` must be floating point, of the module's dtype and on the module's device."""
    dtype, device = module_dtype_device(module)
    if not x.is_floating_point():
        raise TypeError(f"{name} must be a floating-point tensor ({dtype}); got {x.dtype}")
    if x.dtype != dtype:
        raise TypeError(
            f"{name} is {x.dtype} but the module's weights are {dtype}: "
            f"use {name}.to({dtype}) or module.to({x.dtype})"
        )
    if x.device != device:
        raise ValueError(
            f"{name} is on {x.device} but the module's weights are on {device}: "
            f"use {name}.to('{device}') or module.to('{x.device}')"
        )


def check_step_input(x_t, module: nn.Module, input_size: int, *, single: bool = False) -> None:
    """One time step of input: ``x_t`` of shape (B, I), or also (I,) with ``single=True``."""
    check_tensor(x_t, "x_t")
    if single and x_t.dim() == 1 and x_t.shape[0] == input_size:
        return check_matches_module(x_t, module, "x_t")
    if x_t.dim() != 2 or x_t.shape[1] != input_size:
        hint = ""
        if x_t.dim() == 3:
            hint = "; to run a whole sequence (T, B, I) use gatedrnn.Recurrent(cell)"
        elif x_t.dim() == 1 and not single:
            hint = "; for a single example use x_t.unsqueeze(0)"
        expected = f"(B, I) = (batch, {input_size})"
        if single:
            expected += f" or (I,) = ({input_size},)"
        raise ValueError(f"x_t must be {expected}; got {shape_str(x_t.shape)}{hint}")
    check_matches_module(x_t, module, "x_t")


def check_sequence_input(x, module: nn.Module, input_size: int, batch_first: bool) -> None:
    """A whole sequence: ``x`` of shape (T, B, I), or (B, T, I) when ``batch_first``."""
    check_tensor(x, "x")
    expected = (
        f"(B, T, I) = (batch, time, {input_size})"
        if batch_first
        else (f"(T, B, I) = (time, batch, {input_size})")
    )
    if x.dim() != 3 or x.shape[2] != input_size:
        hint = ""
        if x.dim() == 2:
            hint = (
                "; for a single sequence use x.unsqueeze(1)"
                if not batch_first
                else ("; for a single sequence use x.unsqueeze(0)")
            )
        raise ValueError(f"x must be {expected}; got {shape_str(x.shape)}{hint}")
    if x.shape[1 if batch_first else 0] == 0:
        raise ValueError(f"x must have at least one time step; got {shape_str(x.shape)}")
    check_matches_module(x, module, "x")


def check_state_fields(
    state, state_type: type, shape: tuple[int, ...], module: nn.Module, shape_names: str
) -> None:
    """Every field of ``state`` is a tensor of ``shape``, the module's dtype and device."""
    if not isinstance(state, state_type):
        fields = ", ".join(state_type._fields)
        raise TypeError(
            f"state must be a {state_type.__name__}({fields}); got {type(state).__name__}. "
            f"Start from cell.init_state(batch_size) or pass state=None"
        )
    for field, value in zip(state_type._fields, state, strict=True):
        name = f"state.{field}"
        check_tensor(value, name)
        if tuple(value.shape) != tuple(shape):
            raise ValueError(
                f"{name} must be {shape_names} = {shape_str(shape)}; got {shape_str(value.shape)}"
            )
        check_matches_module(value, module, name)


def check_positive_size(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{name} must be a positive integer; got {value!r}")
    return int(value)


def check_number(value, name: str, unit: str = "") -> float:
    """A finite real number (not a string, not a bool, not nan or inf), returned as a float."""
    unit = f" ({unit})" if unit else ""
    if isinstance(value, bool) or not _is_real(value):
        raise TypeError(f"{name} must be a number{unit}; got {value!r} ({type(value).__name__})")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number{unit}; got {value}")
    return value


def check_positive(value, name: str, unit: str = "") -> float:
    """A finite number > 0 (a time constant, a step, a rate)."""
    value = check_number(value, name, unit)
    if not value > 0:
        raise ValueError(f"{name} must be > 0{f' ({unit})' if unit else ''}; got {value:g}")
    return value


def check_in_range(value, name: str, low: float, high: float, *, high_open: bool = False) -> float:
    """A finite number in ``[low, high]`` (or ``[low, high)`` with ``high_open``)."""
    value = check_number(value, name)
    inside = low <= value < high if high_open else low <= value <= high
    if not inside:
        bracket = ")" if high_open else "]"
        raise ValueError(f"{name} must lie in [{low:g}, {high:g}{bracket}; got {value:g}")
    return value


def _is_real(value) -> bool:
    """A number, or a NumPy or torch scalar holding a real number."""
    if isinstance(value, Tensor):
        return value.numel() == 1 and not value.is_complex()
    return isinstance(value, numbers.Real)
