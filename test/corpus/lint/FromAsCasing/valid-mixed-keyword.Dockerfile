From scratch as base
