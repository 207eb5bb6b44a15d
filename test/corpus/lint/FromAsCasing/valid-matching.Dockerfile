FROM scratch AS a
from scratch as b
