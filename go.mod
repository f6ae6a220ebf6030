module unionbot

go 1.26
