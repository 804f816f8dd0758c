echo wé
